// The sales report from the aggregate, byte for byte the monolith's GET /reports/sales.csv on its
// seeded data (the real Laravel app over HTTP, logged in as the admin), for several from/to.
import { createDataSourceOptions } from '@offramp/persistence';
import { scratchDatabase, startLegacyApp, type LegacyApp, type ScratchDatabase } from '@offramp/testing';
import { DataSource } from 'typeorm';
import { DailySales } from './daily-sales.js';

const RANGES: Array<{ from?: string; to?: string }> = [
  {},
  { from: '2025-03-01' },
  { to: '2025-02-14' },
  { from: '2025-06-30', to: '2025-07-02' },
  { from: '2025-05-05', to: '2025-05-05' },
  { from: '2030-01-01' },
];

describe.each(['sqlite', 'mariadb', 'postgres'] as const)('the daily sales aggregate on %s', (kind) => {
  let database: ScratchDatabase;
  let legacy: LegacyApp;
  let db: DataSource;

  beforeAll(async () => {
    database = await scratchDatabase(kind, 'offramp_sales');
    legacy = await startLegacyApp({ databaseUrl: database.url, env: { SEED_ORDERS: '1500', SEED_PRODUCTS: '100', SEED_USERS: '20' }, timeoutMs: 120_000 });
    db = new DataSource(createDataSourceOptions({ url: database.url, poolSize: 1 }));
    await db.initialize();
  }, 180_000);

  afterAll(async () => {
    await db?.destroy();
    await legacy?.close();
    await database?.drop();
  });

  it('rebuilt from the orders table, gives the CSV the monolith computes, for any from/to', async () => {
    const sales = new DailySales(db);
    expect(await sales.rebuild()).toBeGreaterThan(100);
    const admin = await legacy.login('admin@example.test');
    for (const range of RANGES) {
      const query = new URLSearchParams(range as Record<string, string>).toString();
      const response = await fetch(`${legacy.url}/reports/sales.csv${query ? `?${query}` : ''}`, { headers: { cookie: admin } });
      expect(response.status).toBe(200);
      expect(await sales.csv(range)).toBe(await response.text());
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
});
