import type { EntityManager } from 'typeorm';
import { type Dialect, sqlParam } from '@offramp/messaging';
import type { Delivery, DeliveryAttempt, DeliveryStatus } from './partner-tables.js';

const TABLE = 'integrations_deliveries';
const COLUMNS = [
  'id',
  'partner_id',
  'event_id',
  'subject',
  'aggregate_id',
  'seq',
  'body',
  'status',
  'attempts',
  'attempts_total',
  'claim',
  'next_attempt_at',
  'created_at',
  'delivered_at',
  'last_error',
] as const;
const ATTEMPT_COLUMNS = ['delivery_id', 'attempt', 'at', 'status_code', 'latency_ms', 'error', 'response_excerpt'] as const;

/**
 * The dispatcher's and the fan-out's statements for each delivery, written out with bound
 * parameters. TypeORM's builders made each statement anew (most of the slice's CPU at 900
 * deliveries/s) and inlined numbers on SQLite, so no prepared statement was reused; with the
 * same text every time, better-sqlite3's statement cache and the servers' plans are reused.
 */
export class DeliveryStatements {
  private readonly claimSql: string;
  private readonly recordSql: string;
  private readonly dueSql: string;
  private readonly partnersSql: string;
  private readonly inserts = new Map<number, string>();
  private readonly attemptInserts = new Map<number, string>();

  constructor(private readonly dialect: Dialect) {
    const p = (index: number) => sqlParam(dialect, index);
    this.claimSql = `UPDATE ${TABLE} SET next_attempt_at = ${p(1)}, claim = ${p(2)} WHERE id = ${p(3)} AND status = 'pending' AND next_attempt_at <= ${p(4)}`;
    // One shape for delivered, dead and retried: a NULL keeps the column as it is.
    this.recordSql = `UPDATE ${TABLE} SET attempts = ${p(1)}, attempts_total = ${p(2)}, claim = NULL, status = ${p(3)},
      delivered_at = COALESCE(${p(4)}, delivered_at), next_attempt_at = COALESCE(${p(5)}, next_attempt_at), last_error = ${p(6)} WHERE id = ${p(7)}`;
    this.dueSql = `SELECT ${COLUMNS.join(', ')} FROM ${TABLE} WHERE partner_id = ${p(1)} AND status = 'pending' AND next_attempt_at <= ${p(2)}
      ORDER BY next_attempt_at ASC, seq ASC LIMIT ${p(3)}`;
    this.partnersSql = 'SELECT id, event_types FROM integrations_partners WHERE enabled = 1';
  }

  /** The enabled partners and the event types each asked for: what an event's fan-out needs, read in its transaction. */
  async enabledPartners(manager: EntityManager): Promise<Array<{ id: string; eventTypes: string[] }>> {
    const rows = (await manager.query(this.partnersSql)) as Array<{ id: string; event_types: string }>;
    return rows.map((row) => ({ id: row.id, eventTypes: JSON.parse(row.event_types) as string[] }));
  }

  /**
   * The attempt log of a batch, in chunks of powers of two rows (at most 64, 448 parameters): a
   * handful of statement texts, each prepared once.
   */
  async insertAttempts(manager: EntityManager, attempts: DeliveryAttempt[]): Promise<void> {
    let offset = 0;
    while (offset < attempts.length) {
      let size = 1;
      while (size * 2 <= Math.min(attempts.length - offset, 64)) size *= 2;
      const chunk = attempts.slice(offset, offset + size);
      offset += size;
      const params = chunk.flatMap((a) => [a.deliveryId, a.attempt, a.at, a.statusCode, a.latencyMs, a.error, a.responseExcerpt]);
      await structured(manager, this.attemptInsertSql(size), params);
    }
  }

  /** A partner's due pending deliveries, oldest first. */
  async due(manager: EntityManager, partnerId: string, now: number, limit: number): Promise<Delivery[]> {
    const rows = (await manager.query(this.dueSql, [partnerId, now, Math.floor(limit)])) as Array<Record<string, unknown>>;
    return rows.map(toDelivery);
  }

  /** Moves the row's due time to the lease unless someone claimed it first: true when it is ours. */
  async claim(manager: EntityManager, id: string, claim: string, lease: number, now: number): Promise<boolean> {
    return (await structured(manager, this.claimSql, [lease, claim, id, now])) === 1;
  }

  async record(
    manager: EntityManager,
    id: string,
    change: {
      attempts: number;
      attemptsTotal: number;
      status: DeliveryStatus;
      deliveredAt: number | null;
      nextAttemptAt: number | null;
      lastError: string | null;
    },
  ): Promise<void> {
    await structured(manager, this.recordSql, [
      change.attempts,
      change.attemptsTotal,
      change.status,
      change.deliveredAt,
      change.nextAttemptAt,
      change.lastError,
      id,
    ]);
  }

  /** Inserts the rows, skipping any (partner, event id) already there. */
  async insertIgnoringDuplicates(manager: EntityManager, deliveries: Delivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    const params = deliveries.flatMap((d) => [
      d.id,
      d.partnerId,
      d.eventId,
      d.subject,
      d.aggregateId,
      d.seq,
      d.body,
      d.status,
      d.attempts,
      d.attemptsTotal,
      d.claim,
      d.nextAttemptAt,
      d.createdAt,
      d.deliveredAt,
      d.lastError,
    ]);
    await structured(manager, this.insertSql(deliveries.length), params);
  }

  private insertSql(rows: number): string {
    let sql = this.inserts.get(rows);
    if (sql) return sql;
    let index = 0;
    const row = () => `(${COLUMNS.map(() => sqlParam(this.dialect, ++index)).join(', ')})`;
    const values = Array.from({ length: rows }, row).join(', ');
    const into = `INTO ${TABLE} (${COLUMNS.join(', ')}) VALUES ${values}`;
    sql =
      this.dialect === 'postgres' ? `INSERT ${into} ON CONFLICT DO NOTHING` : this.dialect === 'mysql' ? `INSERT IGNORE ${into}` : `INSERT OR IGNORE ${into}`;
    this.inserts.set(rows, sql);
    return sql;
  }

  private attemptInsertSql(rows: number): string {
    let sql = this.attemptInserts.get(rows);
    if (sql) return sql;
    let index = 0;
    const row = () => `(${ATTEMPT_COLUMNS.map(() => sqlParam(this.dialect, ++index)).join(', ')})`;
    sql = `INSERT INTO integrations_delivery_attempts (${ATTEMPT_COLUMNS.join(', ')}) VALUES ${Array.from({ length: rows }, row).join(', ')}`;
    this.attemptInserts.set(rows, sql);
    return sql;
  }
}

async function structured(manager: EntityManager, sql: string, params: unknown[]): Promise<number> {
  const runner = manager.queryRunner;
  if (!runner) throw new Error('DeliveryStatements: writes must run inside a transaction');
  const result = (await runner.query(sql, params, true)) as { affected?: number };
  return result.affected ?? 0;
}

/** bigint columns come back as strings from MariaDB and PostgreSQL. */
const num = (value: unknown) => Number(value);
const numOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));

function toDelivery(row: Record<string, unknown>): Delivery {
  return {
    id: row['id'] as string,
    partnerId: row['partner_id'] as string,
    eventId: row['event_id'] as string,
    subject: row['subject'] as string,
    aggregateId: row['aggregate_id'] as string,
    seq: num(row['seq']),
    body: row['body'] as string,
    status: row['status'] as DeliveryStatus,
    attempts: num(row['attempts']),
    attemptsTotal: num(row['attempts_total']),
    claim: (row['claim'] as string | null) ?? null,
    nextAttemptAt: num(row['next_attempt_at']),
    createdAt: num(row['created_at']),
    deliveredAt: numOrNull(row['delivered_at']),
    lastError: (row['last_error'] as string | null) ?? null,
  };
}
