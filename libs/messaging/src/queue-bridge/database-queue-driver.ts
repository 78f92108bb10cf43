import type { DataSource, EntityManager } from 'typeorm';
import { FailedJobsTable, type FailedJob } from './failed-jobs-table.js';
import { JobsTable } from './jobs-table.js';
import type { QueueDriver, ReservedJob } from './queue-driver.js';

export interface DatabaseQueueDriverSettings {
  dataSource: DataSource;
  connectionName?: string;
  jobsTable?: string;
  failedJobsTable?: string;
  /** config/queue.php `retry_after`: a reservation older than this is taken again (a crashed bridge or worker). */
  retryAfterSeconds?: number;
}

/** Laravel's `database` queue driver: rows of `jobs`, failures into `failed_jobs` in the same transaction as the row's delete. */
export class DatabaseQueueDriver implements QueueDriver {
  readonly connectionName: string;
  readonly jobs: JobsTable;
  readonly failedJobs: FailedJobsTable;
  private readonly retryAfterSeconds: number;

  constructor(private readonly settings: DatabaseQueueDriverSettings) {
    this.connectionName = settings.connectionName ?? 'database';
    this.jobs = new JobsTable(settings.dataSource, settings.jobsTable);
    this.failedJobs = new FailedJobsTable(settings.dataSource, settings.failedJobsTable);
    this.retryAfterSeconds = settings.retryAfterSeconds ?? 90;
  }

  async reserve(queue: string, limit: number): Promise<ReservedJob[]> {
    const rows = await this.jobs.reserve(queue, limit, this.retryAfterSeconds);
    return rows.map((row) => ({ handle: row.id, queue: row.queue, raw: row.payload, attemptsBefore: row.attempts - 1 }));
  }

  delete(jobs: ReservedJob[]): Promise<void> {
    return this.jobs.delete(jobs.map((job) => job.handle as number));
  }

  release(jobs: ReservedJob[]): Promise<void> {
    return this.jobs.unreserve(jobs.map((job) => job.handle as number));
  }

  handToPhp(job: ReservedJob, queue: string): Promise<void> {
    return this.jobs.moveToQueue(job.handle as number, queue);
  }

  push(queue: string, payload: string, db?: DataSource | EntityManager): Promise<void> {
    return this.jobs.push(queue, payload, { db });
  }

  async fail(job: ReservedJob, failed: FailedJob): Promise<void> {
    await this.settings.dataSource.transaction(async (manager) => {
      await this.failedJobs.record(manager, failed);
      await this.jobs.delete([job.handle as number], manager);
    });
  }
}
