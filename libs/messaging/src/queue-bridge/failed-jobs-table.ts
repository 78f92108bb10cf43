import { sqlTimestamp } from '@offramp/legacy-bridge';
import type { DataSource, EntityManager } from 'typeorm';
import { type Dialect, dialectOf, sqlParam } from '../outbox/outbox-store.js';

/** What Laravel's DatabaseUuidFailedJobProvider::log writes. */
export interface FailedJob {
  uuid: string;
  /** The queue connection's name in the monolith's config (`database`, `redis`). */
  connection: string;
  queue: string;
  /** The job's payload as it was pushed, so `php artisan queue:retry` can push it again. */
  payload: string;
  /** The reason: Laravel stores `(string) $exception`, the class, message and trace. */
  exception: string;
  failedAt?: Date;
}

/**
 * Laravel's `failed_jobs` table (the `database-uuids` failed-job driver): what `php artisan
 * queue:failed` lists and `queue:retry <uuid>` pushes back. A job recorded twice (a redelivery
 * after a crash between the insert and the ack) keeps its first row: the uuid is unique.
 */
export class FailedJobsTable {
  private readonly dialect: Dialect;

  constructor(
    dataSource: DataSource,
    readonly table = 'failed_jobs',
  ) {
    this.dialect = dialectOf(dataSource);
  }

  async record(db: DataSource | EntityManager, job: FailedJob): Promise<void> {
    const p = (i: number) => sqlParam(this.dialect, i);
    const columns = `${this.table} (uuid, connection, queue, payload, exception, failed_at)`;
    const values = `VALUES (${[1, 2, 3, 4, 5, 6].map(p).join(', ')})`;
    const sql =
      this.dialect === 'mysql'
        ? `INSERT IGNORE INTO ${columns} ${values}`
        : this.dialect === 'postgres'
          ? `INSERT INTO ${columns} ${values} ON CONFLICT (uuid) DO NOTHING`
          : `INSERT OR IGNORE INTO ${columns} ${values}`;
    await db.query(sql, [job.uuid, job.connection, job.queue, job.payload, job.exception, sqlTimestamp(job.failedAt)]);
  }
}
