import type { DataSource, EntityManager } from 'typeorm';
import { type Dialect, dialectOf, sqlParam } from '../outbox/outbox-store.js';

/** A row of Laravel's `jobs` table (the database queue driver), as the bridge reserved it. */
export interface ReservedJobRow {
  id: number;
  queue: string;
  payload: string;
  /** After the reservation, as Laravel's worker counts: 1 on the first reservation. */
  attempts: number;
}

/**
 * Laravel's database queue driver (Illuminate\Queue\DatabaseQueue), the worker's side, for many
 * rows at once: a row is available when unreserved and due (`available_at <= now`) or when its
 * reservation is older than `retry_after`; reserving sets `reserved_at = now` and adds one to
 * `attempts`, as `markJobAsReserved` does. MariaDB/PostgreSQL lock with FOR UPDATE SKIP LOCKED, so
 * a PHP worker on the same queue and other bridge replicas take other rows; SQLite has one
 * writer, and reserves with a single UPDATE … RETURNING, which no other writer can interleave.
 */
export class JobsTable {
  readonly dialect: Dialect;

  constructor(
    private readonly dataSource: DataSource,
    readonly table = 'jobs',
  ) {
    this.dialect = dialectOf(dataSource);
  }

  private p(index: number): string {
    return sqlParam(this.dialect, index);
  }

  private list(from: number, count: number): string {
    return Array.from({ length: count }, (_, i) => this.p(from + i)).join(', ');
  }

  async reserve(queue: string, limit: number, retryAfterSeconds: number, now = unixNow()): Promise<ReservedJobRow[]> {
    const available = `queue = ${this.p(1)} AND ((reserved_at IS NULL AND available_at <= ${this.p(2)}) OR reserved_at <= ${this.p(3)})`;
    const params = [queue, now, now - retryAfterSeconds];
    const n = Math.max(1, Math.floor(limit));
    if (this.dialect === 'mysql') {
      // MariaDB has no UPDATE … RETURNING: lock the rows, then mark them, in one transaction;
      // READ COMMITTED takes no gap locks, so replicas and deletes rarely deadlock, and when
      // InnoDB still picks this transaction as the victim, it is simply run again.
      return onDeadlockRetry(() =>
        this.dataSource.transaction('READ COMMITTED', async (manager) => {
          const rows = (await manager.query(
            `SELECT id, queue, payload, attempts FROM ${this.table} WHERE ${available} ORDER BY id LIMIT ${n} FOR UPDATE SKIP LOCKED`,
            params,
          )) as RawRow[];
          if (rows.length === 0) return [];
          await manager.query(`UPDATE ${this.table} SET reserved_at = ?, attempts = attempts + 1 WHERE id IN (${this.list(2, rows.length)})`, [
            now,
            ...rows.map((row) => row.id),
          ]);
          return rows.map((row) => toRow({ ...row, attempts: Number(row.attempts) + 1 }));
        }),
      );
    }
    if (this.dialect === 'postgres') {
      const result = (await this.dataSource.query(
        `UPDATE ${this.table} SET reserved_at = $2, attempts = attempts + 1
         WHERE id IN (SELECT id FROM ${this.table} WHERE ${available} ORDER BY id LIMIT ${n} FOR UPDATE SKIP LOCKED)
         RETURNING id, queue, payload, attempts`,
        params,
      )) as [RawRow[], number];
      // TypeORM's postgres driver answers an UPDATE … RETURNING with [rows, count].
      return result[0].map(toRow).sort((a, b) => a.id - b.id);
    }
    const list = (await this.dataSource.query(
      `UPDATE ${this.table} SET reserved_at = ?, attempts = attempts + 1
       WHERE id IN (SELECT id FROM ${this.table} WHERE ${available} ORDER BY id LIMIT ${n})
       RETURNING id, queue, payload, attempts`,
      [now, ...params],
    )) as RawRow[];
    return list.map(toRow).sort((a, b) => a.id - b.id);
  }

  /** Deletes reserved rows once their jobs are safe elsewhere (DatabaseQueue::deleteReserved). */
  async delete(ids: number[], db: DataSource | EntityManager = this.dataSource): Promise<void> {
    if (ids.length === 0) return;
    const sql = `DELETE FROM ${this.table} WHERE id IN (${this.list(1, ids.length)})`;
    // Inside a caller's transaction a deadlock is the caller's to retry.
    await (db === this.dataSource ? onDeadlockRetry(() => db.query(sql, ids)) : db.query(sql, ids));
  }

  /** Gives a reservation back unused (the bridge could not hand the job on): due now, the attempt not counted. */
  async unreserve(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query(
      `UPDATE ${this.table} SET reserved_at = NULL, attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END WHERE id IN (${this.list(1, ids.length)})`,
      ids,
    );
  }

  /** Moves a job to another queue, unreserved and with its attempt given back: a job class the bridge does not take over goes to PHP's workers. */
  async moveToQueue(id: number, queue: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${this.table} SET queue = ${this.p(1)}, reserved_at = NULL, attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END WHERE id = ${this.p(2)}`,
      [queue, id],
    );
  }

  /**
   * Laravel's DatabaseQueue::pushToDatabase: a job PHP (or the bridge) will run, due after
   * `delaySeconds`. Given a transaction's manager, the job commits or rolls back with it.
   */
  async push(queue: string, payload: string, options: { delaySeconds?: number; db?: DataSource | EntityManager } = {}): Promise<void> {
    const now = unixNow();
    await (options.db ?? this.dataSource).query(
      `INSERT INTO ${this.table} (queue, payload, attempts, reserved_at, available_at, created_at) VALUES (${this.list(1, 6)})`,
      [queue, payload, 0, null, now + (options.delaySeconds ?? 0), now],
    );
  }
}

interface RawRow {
  id: number | string;
  queue: string;
  payload: string;
  attempts: number | string;
}

function toRow(row: RawRow): ReservedJobRow {
  return { id: Number(row.id), queue: row.queue, payload: String(row.payload), attempts: Number(row.attempts) };
}

/** MariaDB/MySQL ER_LOCK_DEADLOCK: the transaction was rolled back and may simply run again (also the Messenger bridge's claims). */
const ER_LOCK_DEADLOCK = 1213;

export async function onDeadlockRetry<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      const errno = (error as { driverError?: { errno?: number } }).driverError?.errno ?? (error as { errno?: number }).errno;
      if (errno !== ER_LOCK_DEADLOCK || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt));
    }
  }
}

export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}
