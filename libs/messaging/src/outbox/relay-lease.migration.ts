import type { MigrationInterface, QueryRunner } from 'typeorm';

export const RELAY_LEASE_TABLE = 'offramp_relay_leases';

/**
 * The relay's leases: SQLite has no row locks, so one relay replica at a time holds the
 * `outbox-relay` lease and publishes; the others wait until it expires (MariaDB and PostgreSQL use
 * FOR UPDATE SKIP LOCKED instead). The relay's own table, not the monolith's: a slice that runs the
 * relay lists this migration (RELAY_MIGRATIONS). IF NOT EXISTS: databases where the relay made the
 * table itself before migrations adopt it. expires_at is milliseconds since the epoch.
 */
export class CreateOfframpRelayLeases1764000000100 implements MigrationInterface {
  name = 'CreateOfframpRelayLeases1764000000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(createRelayLeaseTableSql());
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${RELAY_LEASE_TABLE}`);
  }
}

/** The same columns on SQLite, MariaDB and PostgreSQL; a no-op where the table exists. */
export function createRelayLeaseTableSql(): string {
  return `CREATE TABLE IF NOT EXISTS ${RELAY_LEASE_TABLE} (
    name VARCHAR(64) NOT NULL PRIMARY KEY,
    owner VARCHAR(191) NOT NULL,
    expires_at BIGINT NOT NULL
  )`;
}
