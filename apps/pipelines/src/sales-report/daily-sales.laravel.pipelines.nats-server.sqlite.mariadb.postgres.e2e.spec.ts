// The sales report from the aggregate, byte for byte the monolith's GET /reports/sales.csv on its
// seeded data: the real Laravel app over HTTP logged in as the admin, and pipelines' own
// GET /reports/sales.csv (a process, with a real nats-server) called with the gateway's identity token;
// the aggregate rebuilt from the orders table, then filled again by replaying every payment through
// the outbox, the relay and shop.orders.paid.v1 (twice more, changing nothing), then by the rebuild command.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { jetstreamManager } from '@nats-io/jetstream';
import { DEFER_HEADER } from '@offramp/contracts/http';
import { NatsConnectionManager, OutboxRecord, recordOutboxEvent } from '@offramp/messaging';
import { IdentityTokenSigner, identityKeysFromConfig, type OfframpIdentity } from '@offramp/platform';
import { createDataSourceOptions } from '@offramp/persistence';
import {
  scratchDatabase,
  startLegacyApp,
  startNatsServer,
  startService,
  type LegacyApp,
  type NatsServerHandle,
  type ScratchDatabase,
  type ServiceProcess,
  seededRandom,
  waitUntil,
  workspaceRoot,
} from '@offramp/testing';
import { DataSource } from 'typeorm';
import { DailySales } from './daily-sales.js';

const RANGES: Array<{ from?: string; to?: string }> = [
  {},
  { from: '2025-03-01' },
  { to: '2025-02-14' },
  { from: '2025-06-30', to: '2025-07-02' },
  { from: '2025-05-05', to: '2025-05-05' },
  { from: '2030-01-01' },
  { from: '2025-07-02', to: '2025-06-30' }, // to before from: no rows
  { from: '', to: '' }, // empty strings are null for Laravel: unbounded
  { from: ' 2025-03-01 ', to: '2025-03-31' }, // trimmed
];

/** Answers the monolith gives before any report: bad dates (Laravel's 422) and its error JSON. */
const BAD_QUERIES = ['from=2025-02-30', 'to=2025-1-05', 'from=yesterday&to=2025-13-01', 'from[]=2025-01-01', 'to=2025-01-01T00:00:00'];

const SECRET = 'sales-report-test-secret-of-at-least-32-characters';

/**
 * The seeder's own data (its defaults: 20,000 orders, 10,000 products, 1,000 users) on MariaDB. The
 * monolith's report walks every paid order with a per-order items subquery, and its migration gives
 * order_items.order_id no index: InnoDB makes one for the foreign key, SQLite and PostgreSQL do not,
 * so there each report of the seeded data scans the items table once per order (about 13 s per
 * 1,000 orders on SQLite) and the same ranges would take most of an hour. They run on 1,500 orders.
 */
const SEEDS = {
  mariadb: { SEED_ORDERS: '20000', SEED_PRODUCTS: '10000', SEED_USERS: '1000' },
  sqlite: { SEED_ORDERS: '1500', SEED_PRODUCTS: '100', SEED_USERS: '20' },
  postgres: { SEED_ORDERS: '1500', SEED_PRODUCTS: '100', SEED_USERS: '20' },
} as const;

/** RANGES, 40 random ones over the seeded year (and a little past it), and day boundaries (UTC, the app's timezone). */
function replayRanges(): Array<{ from?: string; to?: string }> {
  const random = seededRandom(7);
  const day = () => new Date(Date.UTC(2024, 11, 20) + random.int(0, 400) * 86_400_000).toISOString().slice(0, 10);
  const randomRanges = Array.from({ length: 40 }, () => (random.int(0, 4) === 0 ? { from: day() } : { from: day(), to: day() }));
  return [...RANGES, ...randomRanges, { from: '2025-01-01', to: '2025-01-01' }, { from: '2025-12-31' }, { to: '2024-12-31' }];
}

describe.each(['sqlite', 'mariadb', 'postgres'] as const)('the daily sales aggregate on %s', (kind) => {
  let database: ScratchDatabase;
  let legacy: LegacyApp;
  let db: DataSource;
  let nats: NatsServerHandle;
  let pipelines: ServiceProcess;
  const pipelinesEnv = () => ({
    DATABASE_URL: database.url,
    NATS_URL: nats.url,
    LOG_LEVEL: 'warn',
    SALES_REPORT_HTTP_ENABLED: 'true',
    IDENTITY_TOKEN_SECRET: SECRET,
    QUEUE_BRIDGE_ENABLED: 'false',
  });
  const signer = new IdentityTokenSigner(
    identityKeysFromConfig({ IDENTITY_TOKEN_ALG: 'HS256', IDENTITY_TOKEN_SECRET: SECRET, IDENTITY_TOKEN_TTL_S: 300 }, 'sign'),
  );
  const asUser = async (userId: string): Promise<Record<string, string>> => {
    const identity: OfframpIdentity = { userId, roles: [], source: 'laravel-session' };
    return { 'x-offramp-identity': await signer.sign(identity, { audience: 'pipelines', csrfVerified: false }) };
  };

  beforeAll(async () => {
    database = await scratchDatabase(kind, 'offramp_sales');
    legacy = await startLegacyApp({
      databaseUrl: database.url,
      env: { ...SEEDS[kind], APP_DEBUG: 'false' },
      timeoutMs: 120_000,
    });
    db = new DataSource(createDataSourceOptions({ url: database.url, poolSize: 1, entities: [OutboxRecord] }));
    await db.initialize();
    nats = await startNatsServer();
    pipelines = await startService({ app: 'pipelines', env: pipelinesEnv() });
  }, 180_000);

  afterAll(async () => {
    await pipelines?.stop();
    await nats?.stop();
    await db?.destroy();
    await legacy?.close();
    await database?.drop();
  });

  it('rebuilt from the orders table, gives the CSV the monolith computes, for any from/to', async () => {
    const sales = new DailySales(db);
    expect(await sales.rebuild()).toBeGreaterThan(100);
    const admin = await legacy.login('admin@example.test');
    const adminToken = await asUser('1');
    for (const range of RANGES) {
      const query = new URLSearchParams(range as Record<string, string>).toString();
      const path = `/reports/sales.csv${query ? `?${query}` : ''}`;
      const [monolith, slice] = await Promise.all([
        fetch(`${legacy.url}${path}`, { headers: { cookie: admin } }),
        fetch(`${pipelines.url}${path}`, { headers: adminToken }),
      ]);
      expect(monolith.status).toBe(200);
      expect(slice.status).toBe(200);
      for (const header of ['content-type', 'content-disposition', 'cache-control'])
        expect([path, slice.headers.get(header)]).toEqual([path, monolith.headers.get(header)]);
      expect([path, await slice.text()]).toEqual([path, await monolith.text()]);
    }

    // the monolith's refusals, as JSON (Accept: application/json): bad dates, a customer, a guest
    const json = { accept: 'application/json' };
    const customer = await legacy.login('customer@example.test');
    const cases: Array<[path: string, monolith: Record<string, string>, slice: Record<string, string>]> = [
      ...BAD_QUERIES.map((query): [string, Record<string, string>, Record<string, string>] => [`/reports/sales.csv?${query}`, { cookie: admin }, adminToken]),
      ['/reports/sales.csv?from=bad', { cookie: customer }, await asUser('2')],
      ['/reports/sales.csv', {}, {}],
    ];
    for (const [path, monolithHeaders, sliceHeaders] of cases) {
      const [monolith, slice] = await Promise.all([
        fetch(`${legacy.url}${path}`, { headers: { ...json, ...monolithHeaders } }),
        fetch(`${pipelines.url}${path}`, { headers: { ...json, ...sliceHeaders } }),
      ]);
      expect([path, slice.status, slice.headers.get('content-type'), await slice.text()]).toEqual([
        path,
        monolith.status,
        monolith.headers.get('content-type'),
        await monolith.text(),
      ]);
    }
    // the same refusals to a browser (no JSON Accept), behind the same proxy (loopback: trusted by both), so
    // on the same public root https://shop.test:8443 (fetch sets its own Host): the guest redirected to the login route,
    // the customer given the framework's 403 page, bad dates sent back to the Referer (absolute or relative).
    // The monolith's answer also writes its session (its cookies, url.intended, the errors and input flashed), which a
    // slice cannot: pipelines marks each GET and HEAD deferrable, and through the gateway the monolith answers them
    // (sales-report-through-gateway e2e); this answer is what stands on a retired route. Without a Referer the monolith
    // goes back to the session's previous URL, which a slice cannot read, so that case is not compared.
    const browser = {
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      'x-forwarded-host': 'shop.test:8443',
      'x-forwarded-proto': 'https',
    };
    const browserCases: Array<[path: string, monolith: Record<string, string>, slice: Record<string, string>]> = [
      ['/reports/sales.csv', {}, {}],
      ['/reports/sales.csv?from=bad', { cookie: customer }, await asUser('2')],
      [
        '/reports/sales.csv?from=2025-02-30',
        { cookie: admin, referer: 'https://shop.test:8443/account/orders?page=2' },
        { ...adminToken, referer: 'https://shop.test:8443/account/orders?page=2' },
      ],
      ['/reports/sales.csv?to=2025-1-05', { cookie: admin, referer: '/account' }, { ...adminToken, referer: '/account' }],
    ];
    for (const [path, monolithHeaders, sliceHeaders] of browserCases) {
      for (const method of ['GET', 'HEAD']) {
        const [monolith, slice] = await Promise.all([
          fetch(`${legacy.url}${path}`, { method, headers: { ...browser, ...monolithHeaders }, redirect: 'manual' }),
          fetch(`${pipelines.url}${path}`, { method, headers: { ...browser, ...sliceHeaders }, redirect: 'manual' }),
        ]);
        const answer = async (response: Response) => [
          method,
          path,
          response.status,
          ...['location', 'content-type', 'cache-control'].map((name) => response.headers.get(name)),
          await response.text(),
        ];
        expect(await answer(slice)).toEqual(await answer(monolith));
        expect([method, path, monolith.headers.getSetCookie().length > 0, slice.headers.getSetCookie(), slice.headers.get(DEFER_HEADER)]).toEqual([
          method,
          path,
          true,
          [],
          'laravel-session',
        ]);
      }
    }
    // rebuilding again changes nothing
    const before = await sales.csv();
    await sales.rebuild();
    expect(await sales.csv()).toBe(before);

    // an order paid afterwards (as the webhook marks it) joins its day once, however often its event is replayed
    const [pending] = (await db.query(`SELECT id FROM orders WHERE status = 'pending' ORDER BY id LIMIT 1`)) as Array<{ id: number }>;
    await db.query(`UPDATE orders SET status = 'paid', paid_at = '2025-05-05 10:00:00' WHERE id = ${Number(pending.id)}`);
    for (const _replay of [1, 2]) expect(await db.transaction((manager) => sales.addPaidOrder(manager, Number(pending.id)))).toBe(_replay === 1);
    expect(await db.transaction((manager) => sales.addPaidOrder(manager, 1))).toBe(false); // counted by the rebuild already
    for (const range of [{}, { from: '2025-05-05', to: '2025-05-05' }]) {
      const query = new URLSearchParams(range as Record<string, string>).toString();
      const response = await fetch(`${legacy.url}/reports/sales.csv${query ? `?${query}` : ''}`, { headers: { cookie: admin } });
      expect(await sales.csv(range)).toBe(await response.text());
    }
    expect(await sales.csv()).not.toBe(before);
  }, 120_000);
  /** Both reports over HTTP for every range: the monolith's (logged-in admin) and pipelines' (the gateway's token for the admin). */
  async function expectSameReports(ranges: Array<{ from?: string; to?: string }>): Promise<void> {
    const admin = await legacy.login('admin@example.test');
    const adminToken = await asUser('1');
    for (const range of ranges) {
      const query = new URLSearchParams(range as Record<string, string>).toString();
      const path = `/reports/sales.csv${query ? `?${query}` : ''}`;
      const [monolith, slice] = await Promise.all([
        fetch(`${legacy.url}${path}`, { headers: { cookie: admin } }),
        fetch(`${pipelines.url}${path}`, { headers: adminToken }),
      ]);
      expect([path, slice.status, await slice.text()]).toEqual([path, monolith.status, await monolith.text()]);
    }
  }

  it('filled by replaying the payments through the outbox and the stream (and twice more, and by the rebuild command), gives the same CSV', async () => {
    const ranges = replayRanges();
    const sales = new DailySales(db);
    await db.query('DELETE FROM offramp_daily_sales');
    await db.query('DELETE FROM offramp_sales_orders');
    // every paid order's shop.orders.paid.v1 in the outbox, as PaymentWebhookController records it
    const paid = (await db.query(`SELECT id, user_id, total_cents, currency, paid_at FROM orders WHERE status = 'paid' ORDER BY id`)) as Array<
      Record<string, unknown>
    >;
    await db.transaction(async (manager) => {
      for (const order of paid) {
        const paidAt = order.paid_at instanceof Date ? order.paid_at.toISOString().slice(0, 19) : String(order.paid_at).slice(0, 19).replace(' ', 'T');
        await recordOutboxEvent(manager, 'shop.orders.paid.v1', {
          order_id: Number(order.id),
          user_id: Number(order.user_id),
          status: 'paid',
          amount_cents: Number(order.total_cents),
          currency: String(order.currency),
          payment_event_id: `evt_replay_${String(order.id)}`,
          paid_at: `${paidAt}.000000Z`,
        });
      }
    });
    const natsClient = new NatsConnectionManager({ url: nats.url, name: 'sales-replay-test' });
    try {
      const jsm = await jetstreamManager(await natsClient.connected());
      const settled = (description: string) =>
        waitUntil(
          async () => {
            const info = await jsm.consumers.info('OFFRAMP_EVENTS', 'pipelines-sales-aggregate').catch(() => undefined);
            return info && info.num_pending === 0 && info.num_ack_pending === 0 && info.delivered.stream_seq > 0 ? true : undefined;
          },
          { timeoutMs: 120_000, intervalMs: 250, description },
        );
      await waitUntil(
        async () => {
          const info = await jsm.streams.info('OFFRAMP_EVENTS', { subjects_filter: 'shop.orders.paid.v1' });
          return (info.state.subjects?.['shop.orders.paid.v1'] ?? 0) >= paid.length || undefined;
        },
        { timeoutMs: 120_000, intervalMs: 250, description: `${paid.length} payments relayed` },
      );
      await settled('the sales consumer caught up');
      await expectSameReports(ranges);
      const first = await sales.csv();

      // replayed twice: the consumer made again from the start of the stream, every payment delivered again
      for (const replay of [1, 2]) {
        await pipelines.stop('SIGTERM');
        await jsm.consumers.delete('OFFRAMP_EVENTS', 'pipelines-sales-aggregate');
        pipelines = await startService({ app: 'pipelines', env: pipelinesEnv() });
        await settled(`replay ${replay} consumed`);
        // the whole aggregate (every day × currency row) unchanged, so every range's answer is too
        expect(await sales.csv()).toBe(first);
      }

      // and once more by the rebuild command, from the orders table
      const rebuilt = await promisify(execFile)(process.execPath, [join(workspaceRoot(), 'apps/pipelines/dist/sales-report/rebuild-sales.main.js')], {
        env: { ...process.env, DATABASE_URL: database.url },
      });
      expect(rebuilt.stdout).toMatch(/^sales aggregate rebuilt from the orders table: \d+ day × currency rows$/m);
      expect(await sales.csv()).toBe(first);
      // and served over HTTP by the restarted slice: the edges once more against the monolith
      await expectSameReports(RANGES);
    } finally {
      await natsClient.close();
    }
  }, 600_000);
});
