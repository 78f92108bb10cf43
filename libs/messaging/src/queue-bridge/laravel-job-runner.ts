import { Logger } from '@nestjs/common';
import { phpJsonUnescapedUnicode } from '@offramp/legacy-bridge';
import type { DataSource } from 'typeorm';
import type { JetStreamContext } from '../consumer/jetstream.context.js';
import { RetryLaterError } from '../consumer/retry-later.error.js';
import { FAILURES_KEY, type LaravelJobEnvelope } from './bridged-job.js';
import { FailedJobsTable } from './failed-jobs-table.js';

/** Eloquent's ModelNotFoundException: the job's model is gone (SerializesModels could not restore it). */
export class ModelNotFoundError extends Error {
  readonly code = 'model_not_found';
  constructor(
    readonly model: string,
    readonly id: unknown,
  ) {
    super(`No query results for model [${model}] ${String(id)}`);
    this.name = 'ModelNotFoundError';
  }
}

/** The job ran past its `timeout` (Laravel's worker kills it: a failed attempt). */
export class JobTimedOutError extends Error {
  readonly code = 'timed_out';
  constructor(seconds: number) {
    super(`the job has timed out (${seconds} s)`);
    this.name = 'JobTimedOutError';
  }
}

/** Laravel's MaxAttemptsExceededException: no attempt left, or past retryUntil. */
export class MaxAttemptsExceededError extends Error {
  readonly code = 'max_attempts_exceeded';
  constructor(job: LaravelJobEnvelope) {
    super(`${job.display_name} has been attempted too many times or run too long. The job may have previously timed out.`);
    this.name = 'MaxAttemptsExceededError';
  }
}

export interface LaravelJobRunnerSettings {
  dataSource: DataSource;
  failedJobsTable?: string;
  /** Tries of a job that sets none (`queue:work --tries`, 1 by default). */
  defaultTries?: number;
}

export type JobOutcome = 'done' | 'failed' | 'deleted-missing-model';

/**
 * Runs a taken-over Laravel job's handler with the worker's semantics (Illuminate\Queue\Worker):
 * attempt n is the job's earlier attempts plus this delivery; a failure with tries left is
 * redelivered after the job's `backoff` for that attempt; the last failure, a job past its
 * `retryUntil` or a missing model (unless `deleteWhenMissingModels`) writes the job into
 * failed_jobs with its payload and the reason, and the message is settled. `timeout` ends an
 * attempt that runs too long.
 */
export class LaravelJobRunner {
  private readonly logger = new Logger('LaravelJobRunner');
  private readonly failedJobs: FailedJobsTable;

  constructor(private readonly settings: LaravelJobRunnerSettings) {
    this.failedJobs = new FailedJobsTable(settings.dataSource, settings.failedJobsTable);
  }

  async run(job: LaravelJobEnvelope, context: JetStreamContext, handler: () => Promise<unknown>): Promise<JobOutcome> {
    const attempt = job.attempts + context.getDeliveryCount();
    const maxTries = job.max_tries ?? this.settings.defaultTries ?? 1;
    if (attempt > maxTries || (job.retry_until !== null && Date.now() / 1000 > job.retry_until)) {
      await this.fail(job, new MaxAttemptsExceededError(job));
      return 'failed';
    }
    try {
      await withTimeout(handler(), job.timeout_seconds);
      return 'done';
    } catch (error) {
      if (error instanceof ModelNotFoundError) {
        if (job.delete_when_missing_models) {
          this.logger.warn(`job ${job.uuid} (${job.display_name}): ${error.message}; deleted (deleteWhenMissingModels)`);
          return 'deleted-missing-model';
        }
        await this.fail(job, error);
        return 'failed';
      }
      if (attempt >= maxTries) {
        await this.fail(job, error);
        return 'failed';
      }
      const list = job.backoff_seconds;
      const seconds = list[Math.min(attempt, list.length) - 1] ?? 0;
      throw new RetryLaterError(seconds * 1000, error);
    }
  }

  private async fail(job: LaravelJobEnvelope, error: unknown): Promise<void> {
    const e = error instanceof Error ? error : new Error(String(error));
    this.logger.error(`job ${job.uuid} (${job.display_name}) failed: ${e.message}; recorded in failed_jobs`);
    await this.failedJobs.record(this.settings.dataSource, {
      uuid: job.uuid,
      connection: job.connection,
      queue: job.queue,
      payload: withFailureCount(job.payload),
      exception: `${e.name}: ${e.message}\n${e.stack ?? ''}`,
    });
  }
}

/** The payload with its Offramp failure count raised, the rest as it was (see FAILURES_KEY). */
function withFailureCount(raw: string): string {
  const payload = JSON.parse(raw) as Record<string, unknown>;
  payload[FAILURES_KEY] = Number(payload[FAILURES_KEY] ?? 0) + 1;
  return phpJsonUnescapedUnicode(payload);
}

async function withTimeout<T>(work: Promise<T>, seconds: number | null): Promise<T> {
  if (seconds === null) return work;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new JobTimedOutError(seconds)), seconds * 1000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
