import { createDataSourceOptions } from '@offramp/persistence';
import { signTimestamped } from '@offramp/platform';
import {
  startLegacyApp,
  startNatsServer,
  startService,
  tempSqlite,
  type LegacyApp,
  type NatsServerHandle,
  type ServiceProcess,
  type TempSqlite,
} from '@offramp/testing';
import { DataSource } from 'typeorm';

/** Services start slowly on a machine shared with other work: generous, never a timing assertion. */
const STARTUP_TIMEOUT_MS = 60_000;

/**
 * A webhook has effects, so it is never shadowed: the same recorded webhooks (every documented
 * case) go to the real monolith and to the slice, each on its own copy of the same database, and
 * both give the same statuses, bodies and resulting rows.
 */
const SECRET = 'whsec_replay_0123456789abcdef';

interface Recorded {
  name: string;
  headers: Record<string, string>;
  body: Buffer;
}

const now = () => Math.floor(Date.now() / 1000);

function signed(name: string, event: unknown, options: { contentType?: string; secret?: string; at?: number; raw?: string } = {}): Recorded {
  const body = Buffer.from(options.raw ?? JSON.stringify(event));
  const headers: Record<string, string> = { 'payment-signature': signTimestamped(options.secret ?? SECRET, body, options.at ?? now()) };
  if (options.contentType !== '') headers['content-type'] = options.contentType ?? 'application/json';
  return { name, headers, body };
}

/** Signed bytes json_decode refuses (malformed UTF-8 in a string): no input at all for PHP. */
function invalidUtf8(): Recorded {
  const body = Buffer.concat([Buffer.from('{"id":"evt_'), Buffer.from([0xff, 0xfe]), Buffer.from('","type":"payment.refunded","data":{"x":1}}')]);
  return { name: 'malformed UTF-8', headers: { 'content-type': 'application/json', 'payment-signature': signTimestamped(SECRET, body, now()) }, body };
}

describe('payment webhooks replayed to the monolith and to the slice (real Laravel, SQLite copies)', () => {
  let nats: NatsServerHandle;
  let legacy: LegacyApp;
  let copy: TempSqlite;
  let slice: ServiceProcess;
  let legacyDb: DataSource;
  let sliceDb: DataSource;
  const orders: Array<{ id: number; total: number }> = [];

  beforeAll(async () => {
    nats = await startNatsServer();
    legacy = await startLegacyApp({ env: { APP_DEBUG: 'false', PAYMENT_WEBHOOK_SECRET: SECRET, PAYMENT_WEBHOOK_TOLERANCE: '300' } });
    legacyDb = new DataSource(createDataSourceOptions({ url: legacy.databaseUrl, poolSize: 1 }));
    await legacyDb.initialize();
    // Four pending orders of known totals, then one copy of the whole database for the slice.
    for (const total of [1500, 2500, 990, 4200]) {
      await legacyDb.query(
        `INSERT INTO orders (user_id, status, total_cents, currency, created_at, updated_at) VALUES (2, 'pending', ${total}, 'USD', '2026-01-01 00:00:00', '2026-01-01 00:00:00')`,
      );
      const [row] = await legacyDb.query('SELECT MAX(id) AS id FROM orders');
      orders.push({ id: Number(row.id), total });
    }
    copy = tempSqlite('slice.sqlite');
    await legacyDb.query(`VACUUM INTO '${copy.file}'`);
    sliceDb = new DataSource(createDataSourceOptions({ url: copy.url, poolSize: 1 }));
    await sliceDb.initialize();
    slice = await startService({
      app: 'integrations',
      timeoutMs: STARTUP_TIMEOUT_MS,
      env: { DATABASE_URL: copy.url, NATS_URL: nats.url, LOG_LEVEL: 'warn', PAYMENT_WEBHOOK_SECRET: SECRET, PAYMENT_WEBHOOK_TOLERANCE: '300' },
    });
  }, 120_000);

  afterAll(async () => {
    await slice?.stop('SIGTERM');
    await legacy?.close();
    await legacyDb?.destroy();
    await sliceDb?.destroy();
    copy?.remove();
    await nats?.stop();
  });

  const send = async (baseUrl: string, recorded: Recorded) => {
    const response = await fetch(`${baseUrl}/webhooks/payments`, { method: 'POST', headers: recorded.headers, body: recorded.body });
    return { status: response.status, contentType: response.headers.get('content-type'), body: await response.text() };
  };

  /** The rows a webhook may change, without the clock's columns (paid_at, received_at, event ids). */
  const rows = async (db: DataSource) => ({
    payment_events: await db.query('SELECT id, provider_event_id, type, order_id, outcome, payload FROM payment_events ORDER BY id'),
    orders: await db.query('SELECT id, status, payment_reference, paid_at IS NULL AS unpaid FROM orders ORDER BY id'),
    outbox: (
      await db.query("SELECT aggregate_type, aggregate_id, event_type, payload FROM offramp_outbox WHERE event_type = 'shop.orders.paid.v1' ORDER BY id")
    ).map((row: { payload: string }) => ({ ...row, payload: { ...JSON.parse(row.payload), paid_at: 'at' } })),
  });
  const counts = async (db: DataSource) => {
    const [row] = await db.query(
      "SELECT (SELECT COUNT(*) FROM payment_events) AS events, (SELECT COUNT(*) FROM offramp_outbox) AS outbox, (SELECT COUNT(*) FROM orders WHERE status = 'paid') AS paid",
    );
    return { events: Number(row.events), outbox: Number(row.outbox), paid: Number(row.paid) };
  };

  it('answers every documented case with the same status and bytes, and leaves the same rows', async () => {
    const [a, b, c] = orders;
    const pay = (id: string, order: { id: number; total: number }, amount = order.total) => ({
      id,
      type: 'payment.succeeded',
      data: { order_id: order.id, amount_cents: amount },
    });
    const genuine = pay('evt_replay_paid_a', a);
    const genuineBody = Buffer.from(JSON.stringify(genuine));
    const huge = Buffer.from(JSON.stringify({ ...genuine, padding: 'x'.repeat(2 * 1024 * 1024) }));

    // Malformed: the monolith's error, nothing changes (asserted by row counts on both sides).
    const malformed: Recorded[] = [
      { name: 'no signature header', headers: { 'content-type': 'application/json' }, body: genuineBody },
      { name: 'no timestamp', headers: { 'content-type': 'application/json', 'payment-signature': 'v1=abcdef' }, body: genuineBody },
      { name: 'bad hex', headers: { 'content-type': 'application/json', 'payment-signature': `t=${now()},v1=zz-not-hex` }, body: genuineBody },
      signed('wrong secret', genuine, { secret: 'not-the-secret' }),
      { ...signed('tampered body', genuine), body: Buffer.from(JSON.stringify(pay('evt_replay_paid_a', a, 1))) },
      signed('expired', genuine, { at: now() - 301 }),
      signed('from the future', genuine, { at: now() + 400 }),
      { name: 'huge body, unsigned', headers: { 'content-type': 'application/json', 'payment-signature': `t=${now()},v1=${'0'.repeat(64)}` }, body: huge },
      signed('body not JSON', null, { raw: 'this is not json' }),
      signed('empty body, no content type', null, { raw: '', contentType: '' }),
      signed('JSON scalar', null, { raw: '42' }),
      invalidUtf8(),
      signed('signed garbage', { type: 'payment.succeeded', data: [] }),
      signed('order id not an integer', { id: 'evt_replay_bad_order', type: 'payment.succeeded', data: { order_id: 'abc', amount_cents: 1 } }),
      signed('amount missing', { id: 'evt_replay_no_amount', type: 'payment.succeeded', data: { order_id: a.id } }),
      signed('id too long', { id: 'e'.repeat(192), type: 'payment.refunded', data: { x: 1 } }),
      signed('type not a string', { id: 'evt_replay_type', type: 7, data: { order_id: a.id } }),
    ];
    const before = { legacy: await counts(legacyDb), slice: await counts(sliceDb) };
    for (const recorded of malformed) {
      const [monolith, ours] = [await send(legacy.url, recorded), await send(slice.url, recorded)];
      expect({ case: recorded.name, ...ours }).toEqual({ case: recorded.name, ...monolith });
      expect(monolith.status === 400 || monolith.status === 422).toBe(true);
    }
    expect(await counts(legacyDb)).toEqual(before.legacy);
    expect(await counts(sliceDb)).toEqual(before.slice);

    // Effects: processed, duplicate, every ignored reason (each with its payment_events row).
    const effects: Recorded[] = [
      signed('payment succeeded', genuine),
      signed('same event again', genuine),
      signed('wrong content type, still read raw', pay('evt_replay_paid_b', b), { contentType: 'text/plain' }),
      signed('amount mismatch', pay('evt_replay_mismatch', c, c.total + 1)),
      signed('unhandled type', { id: 'evt_replay_refund', type: 'payment.refunded', data: { order_id: c.id } }),
      signed('unknown order', pay('evt_replay_unknown', { id: 99_999_999, total: 1 })),
      signed('second payment of a paid order', pay('evt_replay_paid_a_again', a)),
      signed('unicode and slashes in the id', { id: 'evt/é/1', type: 'payment.failed', data: { note: 'ü/x' } }),
    ];
    const answers = [];
    for (const recorded of effects) {
      const [monolith, ours] = [await send(legacy.url, recorded), await send(slice.url, recorded)];
      expect({ case: recorded.name, ...ours }).toEqual({ case: recorded.name, ...monolith });
      answers.push(JSON.parse(ours.body));
    }
    expect(answers.map((answer) => answer.reason ?? answer.status)).toEqual([
      'processed',
      'duplicate',
      'processed',
      'amount_mismatch',
      'unhandled_type',
      'unknown_order',
      'already_paid',
      'unhandled_type',
    ]);
    expect(await rows(sliceDb)).toEqual(await rows(legacyDb));
    const after = await counts(sliceDb);
    expect(after).toEqual({ events: before.slice.events + 7, outbox: before.slice.outbox + 2, paid: before.slice.paid + 2 });
  }, 120_000);
});
