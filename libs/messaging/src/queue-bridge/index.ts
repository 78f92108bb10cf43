export { QueueBridge, type QueueBridgeSettings } from './queue-bridge.js';
export type { QueueDriver, ReservedJob } from './queue-driver.js';
export { RedisQueueDriver, type RedisQueueDriverSettings } from './redis-queue-driver.js';
export { DatabaseQueueDriver, type DatabaseQueueDriverSettings } from './database-queue-driver.js';
export { JobsTable, unixNow, type ReservedJobRow } from './jobs-table.js';
export { FailedJobsTable, type FailedJob } from './failed-jobs-table.js';
export {
  OFFRAMP_QUEUE,
  SEND_ORDER_CONFIRMATION,
  RECALCULATE_PRODUCT_POPULARITY,
  sendOrderConfirmationPayload,
  recalculateProductPopularityPayload,
  laravelConnectionName,
} from './shop-jobs.js';
export { FAILURES_KEY, jobEnvelope, jobMessageId, type BridgedJobClass, type LaravelJobEnvelope } from './bridged-job.js';
export {
  LaravelJobRunner,
  ModelNotFoundError,
  JobTimedOutError,
  MaxAttemptsExceededError,
  type JobOutcome,
  type LaravelJobRunnerSettings,
} from './laravel-job-runner.js';
export { OnceOutsideTransaction, type PreparedEffect } from './once-outside-transaction.js';
