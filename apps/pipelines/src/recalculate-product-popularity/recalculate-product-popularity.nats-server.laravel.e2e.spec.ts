// RecalculateProductPopularity scheduled and run by pipelines (a process, real nats-server) on the
// monolith's database: the hour's job is queued as Laravel queues it, drained by the bridge, and
// the result equals what the monolith's own handler computes (run by php artisan queue:work).
import { JobsTable, recalculateProductPopularityPayload } from '@offramp/messaging';
import { createDataSourceOptions } from '@offramp/persistence';
import { artisan, startNatsServer, startService, tempSqlite, waitUntil, type NatsServerHandle, type ServiceProcess, type TempSqlite } from '@offramp/testing';
import { DataSource } from 'typeorm';

describe('RecalculateProductPopularity runs hourly from pipelines (real Laravel, nats-server)', () => {
  let database: TempSqlite;
  let db: DataSource;
  let server: NatsServerHandle;
  let pipelines: ServiceProcess | undefined;
  const popularity = async () => (await db.query('SELECT id, popularity FROM products ORDER BY id')) as Array<{ id: number; popularity: number }>;

  beforeAll(async () => {
    database = tempSqlite('popularity.sqlite');
    await artisan(database.url, ['migrate', '--force']);
    await artisan(database.url, ['shop:seed', '--products=60', '--users=5', '--orders=200']);
    db = new DataSource(createDataSourceOptions({ url: database.url, poolSize: 1 }));
    await db.initialize();
    server = await startNatsServer();
  }, 120_000);

  afterAll(async () => {
    await pipelines?.stop('SIGKILL');
    await db?.destroy();
    await server?.stop();
    database?.remove();
  });

  it('queues the job once for the hour, and computes what the PHP handler computes', async () => {
    await db.query('UPDATE products SET popularity = 0');
    const env = { DATABASE_URL: database.url, NATS_URL: server.url, LOG_LEVEL: 'info', SCHEDULE_POPULARITY_ENABLED: 'true', SCHEDULE_TICK_MS: '1000' };
    pipelines = await startService({ app: 'pipelines', env });
    await waitUntil(async () => (await popularity()).some((p) => Number(p.popularity) > 0), { timeoutMs: 30_000, description: 'popularity computed' });
    const node = await popularity();
    // a second replica in the same hour does not queue it again
    const second = await startService({ app: 'pipelines', env });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await second.stop('SIGTERM');
    expect(pipelines.output().match(/recalculate-product-popularity: queued/g)).toHaveLength(1);
    expect(second.output()).not.toMatch(/recalculate-product-popularity: queued/);

    await db.query('UPDATE products SET popularity = 0');
    await new JobsTable(db).push('php-owned', recalculateProductPopularityPayload('php-owned'));
    await artisan(database.url, ['queue:work', 'database', '--queue=php-owned', '--once']);
    expect(await popularity()).toEqual(node);
    expect(node.filter((p) => Number(p.popularity) > 0).length).toBeGreaterThan(10);
  }, 90_000);
});
