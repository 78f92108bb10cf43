import type { DataSource, QueryRunner } from 'typeorm';
import { type OutboxRow, toOutboxRow } from './outbox-row.js';
import { outboxTimestamp } from './outbox-timestamp.js';
import { RELAY_LEASE_TABLE } from './relay-lease.migration.js';

/** The monolith's outbox table (its migration creates it: apps/legacy, copied into your app). */
export const OUTBOX_TABLE = 'offramp_outbox';

export type Dialect = 'sqlite' | 'mysql' | 'postgres';

export function dialectOf(dataSource: DataSource): Dialect {
  const type = dataSource.options.type;
  if (type === 'postgres') return 'postgres';
  if (type === 'mysql' || type === 'mariadb') return 'mysql';
  if (type === 'better-sqlite3') return 'sqlite';
  throw new Error(`outbox relay: unsupported database type ${type}`);
}

/** The `index`-th (1-based) bound parameter of a statement: `$1` on PostgreSQL, `?` elsewhere. */
export function sqlParam(dialect: Dialect, index: number): string {
  return dialect === 'postgres' ? `$${index}` : '?';
}

/** Writes and reads with the placeholders and time formats of one dialect. */
export class OutboxSql {
  constructor(
    readonly dialect: Dialect,
    readonly table = OUTBOX_TABLE,
  ) {}

  private p(index: number): string {
    return sqlParam(this.dialect, index);
  }

  private list(from: number, count: number): string {
    return Array.from({ length: count }, (_, i) => this.p(from + i)).join(', ');
  }

  private get occurredAt(): string {
    if (this.dialect === 'postgres') return `to_char(occurred_at, 'YYYY-MM-DD HH24:MI:SS.US') AS occurred_at`;
    if (this.dialect === 'mysql') return `DATE_FORMAT(occurred_at, '%Y-%m-%d %H:%i:%s.%f') AS occurred_at`;
    return 'occurred_at';
  }

  /**
   * Whether the table has the `trace_context` column: a monolith that has not run its newer
   * migration yet is relayed as before, without trace context (asked once per relay).
   */
  async hasTraceContext(runner: QueryRunner): Promise<boolean> {
    return runner.hasColumn(this.table, 'trace_context');
  }

  /** The oldest unpublished rows; on MariaDB/PostgreSQL locked, skipping rows another relay holds. */
  async nextBatch(runner: QueryRunner, limit: number, withTraceContext = false): Promise<OutboxRow[]> {
    const lock = this.dialect === 'sqlite' ? '' : ' FOR UPDATE SKIP LOCKED';
    const traceContext = withTraceContext ? ', trace_context' : '';
    const rows = (await runner.query(
      `SELECT id, event_id, aggregate_type, aggregate_id, event_type, payload, ${this.occurredAt}${traceContext} FROM ${this.table}
       WHERE published_at IS NULL ORDER BY id LIMIT ${Math.floor(limit)}${lock}`,
    )) as Array<Record<string, unknown>>;
    return rows.map(toOutboxRow);
  }

  /**
   * Per aggregate, the smallest id of an unpublished row before `maxId` that is not in the
   * batch: a row another relay holds. Rows of that aggregate after it must wait for it.
   */
  async heldElsewhere(runner: QueryRunner, batch: OutboxRow[]): Promise<Map<string, number>> {
    const ids = batch.map((row) => row.id);
    const maxId = Math.max(...ids);
    const rows = (await runner.query(
      `SELECT aggregate_type, aggregate_id, MIN(id) AS first_id FROM ${this.table}
       WHERE published_at IS NULL AND id < ${this.p(1)} AND id NOT IN (${this.list(2, ids.length)})
       GROUP BY aggregate_type, aggregate_id`,
      [maxId, ...ids],
    )) as Array<Record<string, unknown>>;
    return new Map(rows.map((row) => [`${String(row['aggregate_type'])}:${String(row['aggregate_id'])}`, Number(row['first_id'])]));
  }

  async markPublished(runner: QueryRunner, ids: number[], at = new Date()): Promise<void> {
    if (ids.length === 0) return;
    await runner.query(
      `UPDATE ${this.table} SET published_at = ${this.p(1)}, attempts = attempts + 1, last_error = NULL WHERE id IN (${this.list(2, ids.length)}) AND published_at IS NULL`,
      [outboxTimestamp(at), ...ids],
    );
  }

  async markFailed(runner: QueryRunner, failures: Array<{ id: number; error: string }>): Promise<void> {
    for (const failure of failures) {
      await runner.query(`UPDATE ${this.table} SET attempts = attempts + 1, last_error = ${this.p(1)} WHERE id = ${this.p(2)}`, [
        failure.error.slice(0, 2_000),
        failure.id,
      ]);
    }
  }

  /** When the oldest unpublished row was written, or undefined when none waits. */
  async oldestUnpublished(runner: QueryRunner): Promise<string | undefined> {
    const rows = (await runner.query(`SELECT ${this.occurredAt} FROM ${this.table} WHERE published_at IS NULL ORDER BY id LIMIT 1`)) as Array<
      Record<string, unknown>
    >;
    return rows[0] ? String(rows[0]['occurred_at']) : undefined;
  }

  /** Whether the outbox table exists: the schema is asked, not an error message read. */
  async hasOutboxTable(runner: QueryRunner): Promise<boolean> {
    return runner.hasTable(this.table);
  }

  /**
   * SQLite has no row locks: one relay at a time holds a lease row (the table is the
   * relay's migration, RELAY_MIGRATIONS). True while this owner holds it; taking over needs the lease expired.
   */
  async acquireLease(runner: QueryRunner, name: string, owner: string, ttlMs: number, now = Date.now()): Promise<boolean> {
    await runner.query(`INSERT OR IGNORE INTO ${RELAY_LEASE_TABLE} (name, owner, expires_at) VALUES (?, '', 0)`, [name]);
    const result = (await runner.query(
      `UPDATE ${RELAY_LEASE_TABLE} SET owner = ?, expires_at = ? WHERE name = ? AND (owner = ? OR expires_at < ?)`,
      [owner, now + ttlMs, name, owner, now],
      true,
    )) as { affected?: number };
    return (result.affected ?? 0) > 0;
  }

  async releaseLease(runner: QueryRunner, name: string, owner: string): Promise<void> {
    await runner.query(`UPDATE ${RELAY_LEASE_TABLE} SET expires_at = 0 WHERE name = ? AND owner = ?`, [name, owner]);
  }
}
