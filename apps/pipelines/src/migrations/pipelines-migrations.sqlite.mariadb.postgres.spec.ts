import { createDataSourceOptions, pendingMigrations, runMigrationsLocked, sliceMigrationsTable } from '@offramp/persistence';
import { scratchDatabase, type ScratchDatabase } from '@offramp/testing';
import { DataSource } from 'typeorm';
import { PIPELINES_MIGRATIONS } from './pipelines-migrations.js';

const TABLES = ['offramp_inbox', 'offramp_relay_leases', 'offramp_schedule_slots', 'offramp_sales_orders', 'offramp_daily_sales', 'offramp_job_retries'];
const NAMES = PIPELINES_MIGRATIONS.map((migration) => new migration().name);
const TABLE = sliceMigrationsTable('pipelines');

describe.each(['sqlite', 'mariadb', 'postgres'] as const)("pipelines' migrations on %s", (kind) => {
  let database: ScratchDatabase;
  let runners: DataSource[];

  beforeAll(async () => {
    database = await scratchDatabase(kind, 'offramp_migrate');
    // Two services starting at once: two connections (pools) of their own on one empty database.
    // SQLite's busy wait blocks the event loop both share here, so it is short: the runner retries.
    runners = await Promise.all(
      [1, 2].map(() =>
        new DataSource(
          createDataSourceOptions({ url: database.url, poolSize: 2, busyTimeoutMs: 20, migrations: PIPELINES_MIGRATIONS, migrationsTableName: TABLE }),
        ).initialize(),
      ),
    );
  }, 60_000);

  afterAll(async () => {
    for (const ds of runners ?? []) await ds.destroy();
    await database?.drop();
  });

  it('counts every migration as pending on an empty database, and makes nothing while it looks', async () => {
    expect(await pendingMigrations(runners[0])).toEqual(NAMES);
    const runner = runners[0].createQueryRunner();
    try {
      expect(await runner.hasTable(TABLE)).toBe(false);
    } finally {
      await runner.release();
    }
  });

  it('two runners at once both succeed, and each migration runs once', async () => {
    const [first, second] = await Promise.all(runners.map((ds) => runMigrationsLocked(ds, 60_000)));
    expect([...first, ...second].sort()).toEqual([...NAMES].sort());
    // The one that waited found the work done.
    expect([first.length, second.length].sort()).toEqual([0, NAMES.length]);
    const runner = runners[1].createQueryRunner();
    try {
      for (const table of TABLES) expect(await runner.hasTable(table)).toBe(true);
      const recorded = (await runners[1].query(`SELECT name FROM ${TABLE}`)) as { name: string }[];
      expect(recorded.map((row) => row.name).sort()).toEqual([...NAMES].sort());
    } finally {
      await runner.release();
    }
    expect(await pendingMigrations(runners[1])).toEqual([]);
  }, 60_000);

  it('a second run does nothing', async () => {
    expect(await runMigrationsLocked(runners[0])).toEqual([]);
    expect(await runMigrationsLocked(runners[1])).toEqual([]);
  });
});
