import type { MigrationInterface, QueryRunner } from 'typeorm';

export const INBOX_TABLE = 'offramp_inbox';

/**
 * The inbox of idempotent consumers: one row per (consumer, event id) handled. The primary key
 * is what makes a second delivery a no-op. IF NOT EXISTS: every consuming slice lists this migration
 * (CONSUMER_MIGRATIONS) in its own migrations table, so the second one finds the first one's table.
 */
export class CreateOfframpInbox1764000000000 implements MigrationInterface {
  name = 'CreateOfframpInbox1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(createInboxTableSql(runner.connection.options.type));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${INBOX_TABLE}`);
  }
}

export function createInboxTableSql(type: string): string {
  const time = type === 'postgres' ? 'TIMESTAMP(6)' : type === 'mysql' || type === 'mariadb' ? 'DATETIME(6)' : 'TEXT';
  return `CREATE TABLE IF NOT EXISTS ${INBOX_TABLE} (
    consumer VARCHAR(128) NOT NULL,
    event_id VARCHAR(64) NOT NULL,
    subject VARCHAR(128) NOT NULL,
    processed_at ${time} NOT NULL,
    PRIMARY KEY (consumer, event_id)
  )`;
}
