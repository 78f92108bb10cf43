import type { DataSource, EntityManager } from 'typeorm';
import type { FailedJob } from './failed-jobs-table.js';

/** A job the driver reserved on the monolith's queue for the bridge. */
export interface ReservedJob {
  /** The driver's handle: the `jobs` row id, or the redis reserved member. */
  handle: unknown;
  queue: string;
  /** The payload exactly as PHP pushed it. */
  raw: string;
  /** Attempts made before this reservation (by PHP workers, or earlier reservations). */
  attemptsBefore: number;
}

/** The queue side of the bridge for one Laravel queue driver (database, redis). */
export interface QueueDriver {
  /** The queue connection's name in the monolith's config/queue.php, written into failed_jobs. */
  readonly connectionName: string;
  reserve(queue: string, limit: number): Promise<ReservedJob[]>;
  /** The jobs are stored in JetStream: remove them from the queue. */
  delete(jobs: ReservedJob[]): Promise<void>;
  /** They could not be handed on: make them available again now, the attempt not counted. */
  release(jobs: ReservedJob[]): Promise<void>;
  /** A class the bridge does not take over: leave it on `queue`, where PHP workers run it. */
  handToPhp(job: ReservedJob, queue: string): Promise<void>;
  /** Queues a Laravel job (Queue::pushRaw); the database driver writes through `db` when given (a caller's transaction). */
  push(queue: string, payload: string, db?: DataSource | EntityManager): Promise<void>;
  /** A job that cannot be read: into failed_jobs with the reason, and off the queue. */
  fail(job: ReservedJob, failed: FailedJob): Promise<void>;
}
