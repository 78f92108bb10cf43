import type { DataSource, EntityManager } from 'typeorm';
import { type Dialect, dialectOf, sqlParam } from '../outbox/outbox-store.js';
import { onDeadlockRetry } from '../queue-bridge/jobs-table.js';

/** A row of Symfony Messenger's `messenger_messages` (Doctrine transport), as the bridge claimed it. */
export interface MessengerRow {
  id: number;
  queueName: string;
  body: string;
  headers: string;
}

/**
 * Symfony's Doctrine transport table (Symfony\Component\Messenger\Bridge\Doctrine\Transport\
 * Connection), the receiver's side, for many rows at once: a row of a queue is available when
 * due (`available_at <= now`) and not delivered, or delivered longer than `redeliver_timeout` ago
 * (a worker that died); claiming sets `delivered_at = now`, as Connection::get does. MariaDB and
 * PostgreSQL lock with FOR UPDATE SKIP LOCKED, so PHP workers and other replicas take other rows;
 * SQLite has one writer and claims with one UPDATE … RETURNING. Times are the transport's:
 * `Y-m-d H:i:s` in PHP's timezone, UTC here (date.timezone). On MariaDB a row Symfony acked is
 * left with delivered_at 9999-12-31 23:59:59 until its next get(): never available here.
 */
export class MessengerMessagesTable {
  readonly dialect: Dialect;

  constructor(
    private readonly dataSource: DataSource,
    readonly table = 'messenger_messages',
  ) {
    this.dialect = dialectOf(dataSource);
  }

  private p(index: number): string {
    return sqlParam(this.dialect, index);
  }

  private list(from: number, count: number): string {
    return Array.from({ length: count }, (_, i) => this.p(from + i)).join(', ');
  }

  async claim(queue: string, limit: number, redeliverTimeoutSeconds: number, now = new Date()): Promise<MessengerRow[]> {
    const available = `queue_name = ${this.p(1)} AND (delivered_at IS NULL OR delivered_at < ${this.p(2)}) AND available_at <= ${this.p(3)}`;
    const at = doctrineDateTime(now);
    const params = [queue, doctrineDateTime(new Date(now.getTime() - redeliverTimeoutSeconds * 1000)), at];
    const n = Math.max(1, Math.floor(limit));
    const order = 'ORDER BY available_at, id';
    if (this.dialect === 'mysql') {
      return onDeadlockRetry(() =>
        this.dataSource.transaction('READ COMMITTED', async (manager) => {
          const rows = (await manager.query(
            `SELECT id, queue_name, body, headers FROM ${this.table} WHERE ${available} ${order} LIMIT ${n} FOR UPDATE SKIP LOCKED`,
            params,
          )) as RawRow[];
          if (rows.length === 0) return [];
          await manager.query(`UPDATE ${this.table} SET delivered_at = ? WHERE id IN (${this.list(2, rows.length)})`, [at, ...rows.map((row) => row.id)]);
          return rows.map(toRow);
        }),
      );
    }
    const sql = `UPDATE ${this.table} SET delivered_at = ${this.p(4)}
       WHERE id IN (SELECT id FROM ${this.table} WHERE ${available} ${order} LIMIT ${n}${this.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : ''})
       RETURNING id, queue_name, body, headers`;
    // SQLite's ? bind in the order they appear: the SET's first; PostgreSQL's $4 is named.
    const result = (await this.dataSource.query(sql, this.dialect === 'postgres' ? [...params, at] : [at, ...params])) as RawRow[] | [RawRow[], number];
    // TypeORM's postgres driver answers an UPDATE … RETURNING with [rows, count].
    const rows = this.dialect === 'postgres' ? (result as [RawRow[], number])[0] : (result as RawRow[]);
    return rows.map(toRow).sort((a, b) => a.id - b.id);
  }

  /** The rows' messages are safe elsewhere (JetStream, or PHP's failure transport): gone from the queue, as Connection::ack. */
  async delete(ids: number[], db: DataSource | EntityManager = this.dataSource): Promise<void> {
    if (ids.length === 0) return;
    const sql = `DELETE FROM ${this.table} WHERE id IN (${this.list(1, ids.length)})`;
    await (db === this.dataSource ? onDeadlockRetry(() => db.query(sql, ids)) : db.query(sql, ids));
  }

  /** Gives claimed rows back unused (JetStream did not acknowledge): available again at once. */
  async release(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query(`UPDATE ${this.table} SET delivered_at = NULL WHERE id IN (${this.list(1, ids.length)})`, ids);
  }

  /** A message of a class Offramp does not run: onto the queue PHP's workers consume, undelivered. */
  async moveToQueue(id: number, queue: string): Promise<void> {
    await this.dataSource.query(`UPDATE ${this.table} SET queue_name = ${this.p(1)}, delivered_at = NULL WHERE id = ${this.p(2)}`, [queue, id]);
  }

  /**
   * Connection::send: a message for `queue`, due after `delayMs` (a DelayStamp), headers as the
   * serializer's JSON (`[]` for PhpSerializer). Given a transaction's manager, it commits with it.
   */
  async send(queue: string, body: string, options: { headers?: string; delayMs?: number; db?: DataSource | EntityManager } = {}): Promise<void> {
    const now = new Date();
    await (options.db ?? this.dataSource).query(`INSERT INTO ${this.table} (body, headers, queue_name, created_at, available_at) VALUES (${this.list(1, 5)})`, [
      body,
      options.headers ?? '[]',
      queue,
      doctrineDateTime(now),
      doctrineDateTime(new Date(now.getTime() + Math.floor((options.delayMs ?? 0) / 1000) * 1000)),
    ]);
  }
}

interface RawRow {
  id: number | string;
  queue_name: string;
  body: string;
  headers: string;
}

function toRow(row: RawRow): MessengerRow {
  return { id: Number(row.id), queueName: row.queue_name, body: String(row.body), headers: String(row.headers) };
}

/** Doctrine's DATETIME_MUTABLE as the transport writes `new \DateTime()`: `Y-m-d H:i:s`, UTC. */
export function doctrineDateTime(at: Date): string {
  return at.toISOString().slice(0, 19).replace('T', ' ');
}
