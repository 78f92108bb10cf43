import { createDataSourceOptions, runMigrationsLocked, sliceMigrationsTable } from '@offramp/persistence';
import { tempSqlite, type TempSqlite } from '@offramp/testing';
import { DataSource } from 'typeorm';
import { dialectOf, OutboxSql } from './outbox-store.js';
import { RELAY_MIGRATIONS } from '../migrations.js';
import { RELAY_LEASE_TABLE } from './relay-lease.migration.js';

describe('the relay lease on SQLite (its own table, a migration of the slice that runs the relay)', () => {
  let database: TempSqlite;
  let dataSource: DataSource;
  let sql: OutboxSql;
  const withRunner = async <T>(work: (runner: ReturnType<DataSource['createQueryRunner']>) => Promise<T>): Promise<T> => {
    const runner = dataSource.createQueryRunner();
    try {
      return await work(runner);
    } finally {
      await runner.release();
    }
  };

  beforeAll(async () => {
    database = tempSqlite('lease.sqlite');
    dataSource = new DataSource(
      createDataSourceOptions({ url: database.url, migrations: RELAY_MIGRATIONS, migrationsTableName: sliceMigrationsTable('relay') }),
    );
    await dataSource.initialize();
    sql = new OutboxSql(dialectOf(dataSource));
  });
  afterAll(async () => {
    await dataSource.destroy();
    database.remove();
  });

  it('its migration creates the lease table where it is missing, and adopts an existing one (and its leases) unchanged', async () => {
    expect(await withRunner((runner) => runner.hasTable(RELAY_LEASE_TABLE))).toBe(false);
    expect(await runMigrationsLocked(dataSource)).toEqual(['CreateOfframpRelayLeases1764000000100']);
    expect(await withRunner((runner) => sql.acquireLease(runner, 'outbox-relay', 'a', 1_000, 10_000))).toBe(true);
    // A database where the relay made the table itself, before migrations: the migration runs on it.
    await dataSource.query(`DELETE FROM ${sliceMigrationsTable('relay')}`);
    expect(await runMigrationsLocked(dataSource)).toEqual(['CreateOfframpRelayLeases1764000000100']);
    expect(await dataSource.query(`SELECT name, owner, expires_at FROM ${RELAY_LEASE_TABLE}`)).toEqual([
      { name: 'outbox-relay', owner: 'a', expires_at: 11_000 },
    ]);
  });

  it('gives the lease to one owner at a time until it expires or is released', async () => {
    const acquire = (owner: string, now: number) => withRunner((runner) => sql.acquireLease(runner, 'relay-x', owner, 1_000, now));
    expect(await acquire('a', 10_000)).toBe(true);
    expect(await acquire('b', 10_500)).toBe(false);
    expect(await acquire('a', 10_900)).toBe(true); // renewal by the holder, until 11_900
    expect(await acquire('b', 11_800)).toBe(false);
    expect(await acquire('b', 12_000)).toBe(true); // expired: taken over
    expect(await acquire('a', 12_100)).toBe(false);
    await withRunner((runner) => sql.releaseLease(runner, 'relay-x', 'b'));
    expect(await acquire('a', 12_200)).toBe(true);
  });
});
