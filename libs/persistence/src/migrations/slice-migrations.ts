import { setTimeout as sleep } from 'node:timers/promises';
import { type DataSource, MigrationExecutor, type QueryRunner } from 'typeorm';
import { isSqliteBusy } from '../database-gate.js';

/** `run`: the service migrates at start-up (local, tests, compose). `verify`: it only checks, the migrate Job migrates (production). */
export const MIGRATIONS_MODES = ['run', 'verify'] as const;
export type MigrationsMode = (typeof MIGRATIONS_MODES)[number];

/**
 * Each slice records its migrations in a table of its own, so the slices never read each other's
 * history and none touches the monolith's `migrations` table.
 */
export const sliceMigrationsTable = (slice: string) => `offramp_migrations_${slice.replace(/[^a-z0-9_]/gi, '_')}`;

/**
 * ONE lock for every slice, not one per slice: slices share tables (each consumer slice declares
 * the inbox), and PostgreSQL's CREATE TABLE IF NOT EXISTS is not safe against a concurrent one
 * (the catalog's unique index refuses the second), so no two runners may make tables at once.
 */
const LOCK_NAME = 'offramp_migrations';
const LOCK_RETRY_PAUSE_MS = 100;
export const MIGRATIONS_LOCK_TIMEOUT_MS = 120_000;

/** Another runner held the lock for longer than the bound. */
export class MigrationsLockTimeoutError extends Error {
  readonly code = 'MIGRATIONS_LOCK_TIMEOUT';
  constructor(readonly waitedMs: number) {
    super(`the migrations lock (${LOCK_NAME}) was still held by another runner after ${waitedMs} ms`);
    this.name = 'MigrationsLockTimeoutError';
  }
}

/** The data source was made without the slice's migrations table name (createDataSourceOptions' migrationsTableName). */
export class MigrationsTableNotSetError extends Error {
  readonly code = 'MIGRATIONS_TABLE_NOT_SET';
  constructor() {
    super('the data source has no migrationsTableName: pass the slice\'s own (sliceMigrationsTable) so the monolith\'s "migrations" table is never used');
    this.name = 'MigrationsTableNotSetError';
  }
}

/**
 * Runs the data source's pending migrations (its `migrations`, recorded in its `migrationsTableName`)
 * under the database-wide migrations lock: PostgreSQL's advisory lock, MariaDB's GET_LOCK, SQLite's
 * write lock (BEGIN IMMEDIATE: one writer at a time). A runner that waited finds the work done and
 * runs nothing. Returns the names of the migrations it ran.
 */
export async function runMigrationsLocked(dataSource: DataSource, lockTimeoutMs = MIGRATIONS_LOCK_TIMEOUT_MS): Promise<string[]> {
  assertOwnTable(dataSource);
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await acquireLock(runner, lockTimeoutMs);
    const type = dataSource.options.type;
    try {
      const executor = new MigrationExecutor(dataSource, runner);
      // SQLite: the migrations run inside the lock's own transaction; PostgreSQL: DDL is transactional,
      // all or nothing; MariaDB commits each DDL statement anyway.
      executor.transaction = type === 'better-sqlite3' ? 'none' : type === 'postgres' ? 'all' : 'each';
      const ran = await executor.executePendingMigrations();
      await releaseLock(runner, true);
      return ran.map((migration) => migration.name);
    } catch (error) {
      await releaseLock(runner, false).catch(() => undefined);
      throw error;
    }
  } finally {
    await runner.release();
  }
}

/** The names of the data source's migrations not yet recorded as run (all of them on an empty database). */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const table = assertOwnTable(dataSource);
  const runner = dataSource.createQueryRunner();
  try {
    const executor = new MigrationExecutor(dataSource, runner);
    // getPendingMigrations would create the migrations table: a verifying service has no DDL rights.
    const known = dataSource.migrations.map((migration) => migration.name ?? migration.constructor.name);
    if (!(await runner.hasTable(table))) return known;
    const executed = new Set((await executor.getExecutedMigrations()).map((migration) => migration.name));
    return known.filter((name) => !executed.has(name));
  } finally {
    await runner.release();
  }
}

function assertOwnTable(dataSource: DataSource): string {
  const table = dataSource.options.migrationsTableName;
  if (!table || table === 'migrations') throw new MigrationsTableNotSetError();
  return table;
}

async function acquireLock(runner: QueryRunner, timeoutMs: number): Promise<void> {
  const type = runner.connection.options.type;
  const started = Date.now();
  for (;;) {
    if (await tryLock(runner, type)) return;
    const waited = Date.now() - started;
    if (waited >= timeoutMs) throw new MigrationsLockTimeoutError(waited);
    await sleep(LOCK_RETRY_PAUSE_MS);
  }
}

async function tryLock(runner: QueryRunner, type: string): Promise<boolean> {
  if (type === 'postgres') {
    const rows = (await runner.query(`SELECT pg_try_advisory_lock(hashtext('${LOCK_NAME}')) AS locked`)) as { locked: boolean }[];
    return rows[0]?.locked === true;
  }
  if (type === 'mysql' || type === 'mariadb') {
    const rows = (await runner.query(`SELECT GET_LOCK('${LOCK_NAME}', 1) AS locked`)) as { locked: number | string | null }[];
    return Number(rows[0]?.locked) === 1;
  }
  try {
    // TypeORM does not know about this transaction: the executor runs with transaction 'none' inside it.
    await runner.query('BEGIN IMMEDIATE');
    return true;
  } catch (error) {
    if (isSqliteBusy(error)) return false;
    throw error;
  }
}

async function releaseLock(runner: QueryRunner, commit: boolean): Promise<void> {
  const type = runner.connection.options.type;
  if (type === 'postgres') await runner.query(`SELECT pg_advisory_unlock(hashtext('${LOCK_NAME}'))`);
  else if (type === 'mysql' || type === 'mariadb') await runner.query(`SELECT RELEASE_LOCK('${LOCK_NAME}')`);
  else await runner.query(commit ? 'COMMIT' : 'ROLLBACK');
}
