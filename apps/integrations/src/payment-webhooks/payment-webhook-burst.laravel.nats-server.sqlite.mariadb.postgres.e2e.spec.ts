import { createDataSourceOptions } from '@offramp/persistence';
import { signTimestamped } from '@offramp/platform';
import {
  scratchDatabase,
  seededRandom,
  startLegacyApp,
  startNatsServer,
  startService,
  type LegacyApp,
  type NatsServerHandle,
  type ScratchDatabase,
  type ServiceProcess,
} from '@offramp/testing';
import { DataSource } from 'typeorm';

/** Services start slowly on a machine shared with other work: generous, never a timing assertion. */
const STARTUP_TIMEOUT_MS = 60_000;

/**
 * A provider's burst, with the monolith and the slice live at once (canary): 1,000 webhooks, 10%
 * of them duplicates and 200 concurrent retries of one event id, spread over both, give exactly
 * one effect per event id on SQLite, MariaDB and PostgreSQL.
 */
const SECRET = 'whsec_burst_0123456789abcdef';
const ORDERS = 100;
const UNIQUE = 700; // 100 payments + 600 events of a type nobody handles
const DUPLICATES = 100;
const RETRIES = 200;
const CONCURRENCY = 32;

describe.each(['sqlite', 'mariadb', 'postgres'] as const)('a burst of payment webhooks to the monolith and the slice at once, on %s', (kind) => {
  let database: ScratchDatabase;
  let nats: NatsServerHandle;
  let legacy: LegacyApp;
  let slice: ServiceProcess;
  let sql: DataSource;

  beforeAll(async () => {
    database = await scratchDatabase(kind, 'offramp_burst');
    nats = await startNatsServer();
    legacy = await startLegacyApp({ databaseUrl: database.url, env: { APP_DEBUG: 'false', PAYMENT_WEBHOOK_SECRET: SECRET } });
    sql = new DataSource(createDataSourceOptions({ url: database.url, poolSize: 2 }));
    await sql.initialize();
    slice = await startService({
      app: 'integrations',
      timeoutMs: STARTUP_TIMEOUT_MS,
      env: { DATABASE_URL: database.url, NATS_URL: nats.url, LOG_LEVEL: 'warn', PAYMENT_WEBHOOK_SECRET: SECRET },
    });
  }, 180_000);

  afterAll(async () => {
    await slice?.stop('SIGTERM');
    await legacy?.close();
    await sql?.destroy();
    await nats?.stop();
    await database?.drop();
  });

  it('gives exactly one effect per event id', async () => {
    const [{ first }] = await sql.query('SELECT COALESCE(MAX(id), 0) + 1 AS first FROM orders');
    const values = Array.from({ length: ORDERS + 1 }, (_, i) => `(1, 'pending', ${1000 + i}, 'USD', '2026-01-01 00:00:00', '2026-01-01 00:00:00')`);
    await sql.query(`INSERT INTO orders (user_id, status, total_cents, currency, created_at, updated_at) VALUES ${values.join(', ')}`);
    const orderIds = Array.from({ length: ORDERS + 1 }, (_, i) => Number(first) + i);
    const [before] = await sql.query('SELECT COUNT(*) AS n FROM payment_events');

    const events = Array.from({ length: UNIQUE }, (_, i) =>
      i < ORDERS
        ? { id: `evt_burst_pay_${i}`, type: 'payment.succeeded', data: { order_id: orderIds[i], amount_cents: 1000 + i } }
        : { id: `evt_burst_other_${i}`, type: 'payment.pending', data: { order_id: orderIds[i % ORDERS] } },
    );
    const random = seededRandom(11);
    const deliveries = [...events, ...Array.from({ length: DUPLICATES }, () => random.pick(events))];
    const retried = { id: 'evt_burst_retried', type: 'payment.succeeded', data: { order_id: orderIds[ORDERS], amount_cents: 1000 + ORDERS } };

    // Every fourth delivery goes to the monolith, as a canary share would.
    const send = async (event: unknown, index: number) => {
      const body = JSON.stringify(event);
      const target = index % 4 === 0 ? legacy.url : slice.url;
      const headers = { 'content-type': 'application/json', 'payment-signature': signTimestamped(SECRET, body, Math.floor(Date.now() / 1000)) };
      const response = await fetch(`${target}/webhooks/payments`, { method: 'POST', headers, body });
      return { id: (event as { id: string }).id, status: response.status, answer: (await response.json()) as { status: string } };
    };
    const answers: Array<Awaited<ReturnType<typeof send>>> = [];
    const queue = deliveries.map((event, index) => () => send(event, index));
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) answers.push(await next());
      }),
    );
    answers.push(...(await Promise.all(Array.from({ length: RETRIES }, (_, index) => send(retried, index)))));

    expect(answers).toHaveLength(UNIQUE + DUPLICATES + RETRIES);
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    // Per event id: one answer that had the effect, every other one `duplicate`.
    const firstAnswers = new Map<string, number>();
    for (const { id, answer } of answers) if (answer.status !== 'duplicate') firstAnswers.set(id, (firstAnswers.get(id) ?? 0) + 1);
    expect(firstAnswers.size).toBe(UNIQUE + 1);
    expect([...firstAnswers.values()].every((count) => count === 1)).toBe(true);

    const [after] = await sql.query('SELECT COUNT(*) AS n, COUNT(DISTINCT provider_event_id) AS ids FROM payment_events');
    expect(Number(after.n) - Number(before.n)).toBe(UNIQUE + 1);
    expect(Number(after.ids)).toBe(Number(after.n));
    const [outcomes] = await sql.query(
      "SELECT SUM(CASE WHEN outcome = 'processed' THEN 1 ELSE 0 END) AS processed, SUM(CASE WHEN outcome = 'ignored:unhandled_type' THEN 1 ELSE 0 END) AS ignored FROM payment_events WHERE provider_event_id LIKE 'evt_burst_%'",
    );
    expect({ processed: Number(outcomes.processed), ignored: Number(outcomes.ignored) }).toEqual({ processed: ORDERS + 1, ignored: UNIQUE - ORDERS });
    const [paid] = await sql.query(`SELECT COUNT(*) AS n FROM orders WHERE status = 'paid' AND id >= ${Number(first)}`);
    expect(Number(paid.n)).toBe(ORDERS + 1);
    const [outbox] = await sql.query(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT aggregate_id) AS orders FROM offramp_outbox WHERE event_type = 'shop.orders.paid.v1' AND payload LIKE '%evt_burst_%'`,
    );
    expect({ rows: Number(outbox.n), orders: Number(outbox.orders) }).toEqual({ rows: ORDERS + 1, orders: ORDERS + 1 });
  }, 240_000);
});
