import { type EventPayload, type EventSubject } from '@offramp/contracts';
import { backoffSeconds, type LaravelJobPayload, type PhpObject } from '@offramp/legacy-bridge';

/** The Laravel side of a job message: what the bridge read from the payload (libs/contracts `laravelJob`). */
export type LaravelJobEnvelope = EventPayload<'shop.jobs.send-order-confirmation.v1'>['job'];

/**
 * A PHP job class taken over by a slice: the subject its jobs are published on, the classes its
 * serialized object may hold besides itself and ModelIdentifier, and the message fields read
 * from the job object (throwing a LaravelJobError when the object is not what the slice expects).
 */
export interface BridgedJobClass {
  phpClass: string;
  subject: EventSubject;
  allowedClasses?: readonly string[];
  fields(command: PhpObject): Record<string, unknown>;
}

/**
 * Key added to a payload that Offramp wrote into failed_jobs: how many times it failed in Node.
 * `queue:retry` pushes the payload back as it is (attempts reset), so the retried job gets a new
 * message id (`<uuid>:retry-<n>`) instead of being dropped by JetStream's duplicate window or the
 * inbox as the job it already ran.
 */
export const FAILURES_KEY = 'offrampFailures';

/** The Nats-Msg-Id of a pushed job: its uuid, and after each `queue:retry` of a failure `:retry-<n>`. */
export function jobMessageId(payload: LaravelJobPayload): string {
  const failures = Number(payload[FAILURES_KEY] ?? 0);
  return Number.isInteger(failures) && failures > 0 ? `${payload.uuid}:retry-${failures}` : payload.uuid;
}

export function jobEnvelope(
  raw: string,
  payload: LaravelJobPayload,
  command: PhpObject,
  where: { connection: string; queue: string; attemptsBefore: number },
): LaravelJobEnvelope {
  return {
    uuid: payload.uuid,
    display_name: payload.displayName,
    connection: where.connection,
    queue: where.queue,
    attempts: Math.max(0, where.attemptsBefore),
    max_tries: typeof payload.maxTries === 'number' && payload.maxTries > 0 ? payload.maxTries : null,
    backoff_seconds: backoffSeconds(payload.backoff).map((s) => Math.floor(s)),
    timeout_seconds: typeof payload.timeout === 'number' && payload.timeout > 0 ? Math.floor(payload.timeout) : null,
    retry_until: typeof payload.retryUntil === 'number' ? Math.floor(payload.retryUntil) : null,
    delete_when_missing_models: command.properties['deleteWhenMissingModels'] === true,
    payload: raw,
  };
}
