import { type BridgedJobClass, type ConsumerDefinition, RECALCULATE_PRODUCT_POPULARITY, SEND_ORDER_CONFIRMATION } from '@offramp/messaging';

/** The Laravel job classes whose handlers run here (the monolith lists the same in offramp.taken_over_jobs). */
export const TAKEN_OVER_JOBS: readonly BridgedJobClass[] = [SEND_ORDER_CONFIRMATION, RECALCULATE_PRODUCT_POPULARITY];

/**
 * One durable consumer per taken-over job class (a single consumer with several filter subjects
 * needs nats-server 2.10). Tries, backoff and failed_jobs follow each job's own Laravel settings
 * (LaravelJobRunner), so JetStream's redelivery limit is only a last resort against a handler that
 * keeps crashing the process.
 */
export function jobsConsumers(concurrency: number, ackWaitMs: number): ConsumerDefinition[] {
  return TAKEN_OVER_JOBS.map((job) => ({
    stream: 'OFFRAMP_EVENTS',
    durable: `pipelines-${job.subject.split('.')[2]}`,
    filterSubjects: [job.subject],
    maxDeliver: 1_000,
    ackWaitMs,
    handlerTimeoutMs: 15 * 60_000,
    concurrency,
    backoffBaseMs: 1_000,
    backoffMaxMs: 60_000,
  }));
}
