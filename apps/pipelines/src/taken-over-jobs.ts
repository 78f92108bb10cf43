import { type BridgedJobClass, type ConsumerDefinition, SEND_ORDER_CONFIRMATION } from '@offramp/messaging';

/** The Laravel job classes whose handlers run here (the monolith lists the same in offramp.taken_over_jobs). */
export const TAKEN_OVER_JOBS: readonly BridgedJobClass[] = [SEND_ORDER_CONFIRMATION];

/**
 * The durable consumer of taken-over jobs. Tries, backoff and failed_jobs follow each job's own
 * Laravel settings (LaravelJobRunner), so JetStream's redelivery limit is only a last resort
 * against a handler that keeps crashing the process.
 */
export function jobsConsumer(concurrency: number, ackWaitMs: number): ConsumerDefinition {
  return {
    stream: 'OFFRAMP_EVENTS',
    durable: 'pipelines-laravel-jobs',
    filterSubjects: TAKEN_OVER_JOBS.map((job) => job.subject),
    maxDeliver: 1_000,
    ackWaitMs,
    handlerTimeoutMs: 15 * 60_000,
    concurrency,
    backoffBaseMs: 1_000,
    backoffMaxMs: 60_000,
  };
}
