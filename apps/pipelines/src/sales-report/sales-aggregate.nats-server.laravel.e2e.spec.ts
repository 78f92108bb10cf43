// The aggregate kept current by pipelines (a process, real nats-server) from shop.orders.paid.v1 on
// the monolith's database: a payment adds its order once, a replay of the event changes nothing.
import { EventPublisher, NatsConnectionManager } from '@offramp/messaging';
import { createDataSourceOptions, runMigrationsLocked, sliceMigrationsTable } from '@offramp/persistence';
import { artisan, startNatsServer, startService, tempSqlite, waitUntil, type NatsServerHandle, type ServiceProcess, type TempSqlite } from '@offramp/testing';
import { DataSource } from 'typeorm';
import { DailySales } from './daily-sales.js';
import { PIPELINES_MIGRATIONS } from '../migrations/pipelines-migrations.js';

describe('the daily sales aggregate follows the payments (real Laravel database, nats-server, pipelines process)', () => {
  let database: TempSqlite;
  let db: DataSource;
  let server: NatsServerHandle;
  let nats: NatsConnectionManager;
  let pipelines: ServiceProcess | undefined;

  beforeAll(async () => {
    database = tempSqlite('sales.sqlite');
    await artisan(database.url, ['migrate', '--force']);
    await artisan(database.url, ['shop:seed', '--products=60', '--users=10', '--orders=300']);
    db = new DataSource(
      createDataSourceOptions({ url: database.url, poolSize: 1, migrations: PIPELINES_MIGRATIONS, migrationsTableName: sliceMigrationsTable('pipelines') }),
    );
    await db.initialize();
    // The rebuild runs before the service (which would migrate at start-up): the migrate Job's order.
    await runMigrationsLocked(db);
    server = await startNatsServer();
    nats = new NatsConnectionManager({ url: server.url, name: 'sales-test' });
  }, 120_000);

  afterAll(async () => {
    await pipelines?.stop('SIGKILL');
    await nats?.close();
    await db?.destroy();
    await server?.stop();
    database?.remove();
  });

  it('adds a paid order to its day once, however often its event is delivered', async () => {
    const sales = new DailySales(db);
    await sales.rebuild();
    pipelines = await startService({ app: 'pipelines', env: { DATABASE_URL: database.url, NATS_URL: server.url, LOG_LEVEL: 'warn' } });
    const [order] = (await db.query(`SELECT id, user_id, total_cents, currency FROM orders WHERE status = 'pending' ORDER BY id LIMIT 1`)) as Array<
      Record<string, string>
    >;
    await db.query(`UPDATE orders SET status = 'paid', paid_at = '2025-08-08 08:08:08', payment_reference = 'evt_sales' WHERE id = ${Number(order.id)}`);
    const before = await sales.csv({ from: '2025-08-08', to: '2025-08-08' });

    const paid = {
      order_id: Number(order.id),
      user_id: Number(order.user_id),
      status: 'paid' as const,
      amount_cents: Number(order.total_cents),
      currency: String(order.currency),
      payment_event_id: 'evt_sales',
      paid_at: '2025-08-08T08:08:08.000000Z',
    };
    const publisher = new EventPublisher(() => nats.connected());
    // the monolith's event, and a replay of it under another event id (a second relay, a stream copy)
    await waitUntil(() => publisher.publish('shop.orders.paid.v1', paid, { eventId: crypto.randomUUID() }).then(() => true), {
      timeoutMs: 20_000,
      description: 'the events stream',
    });
    await publisher.publish('shop.orders.paid.v1', paid, { eventId: crypto.randomUUID() });
    await waitUntil(async () => (await sales.csv({ from: '2025-08-08', to: '2025-08-08' })) !== before, {
      timeoutMs: 20_000,
      description: 'the aggregate updated',
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const live = await sales.csv();
    await sales.rebuild(); // what the orders table says: the report the monolith computes (daily-sales e2e)
    expect(live).toBe(await sales.csv());
  }, 90_000);
});
