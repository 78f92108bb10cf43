import type { Logger } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { deadLetterStream, eventsStream, linearBackoff, provisionStreams, retryWithBackoff, type StreamDefinition } from '@offramp/messaging';
import type { PipelinesConfig } from './pipelines-config.type.js';

/** The events stream as this deployment sizes it (replicas, max age, duplicate window). */
export function configuredEventsStream(config: PipelinesConfig): StreamDefinition {
  return eventsStream({
    replicas: config.EVENTS_STREAM_REPLICAS,
    maxAgeMs: config.EVENTS_STREAM_MAX_AGE_HOURS * 3_600_000,
    duplicateWindowMs: config.EVENTS_DUPLICATE_WINDOW_MINUTES * 60_000,
  });
}

/**
 * Declares the events and dead-letter streams, again and again while JetStream refuses (it is
 * starting, or another stream holds the subjects), until `signal` aborts (RetryAbortedError).
 */
export async function declareEventStreams(nc: NatsConnection, config: PipelinesConfig, logger: Logger, signal: AbortSignal): Promise<void> {
  await retryWithBackoff(
    async () =>
      provisionStreams(await jetstreamManager(nc), [configuredEventsStream(config), deadLetterStream({ replicas: config.EVENTS_STREAM_REPLICAS })], logger),
    {
      backoff: linearBackoff({ stepMs: 250, maxMs: 5_000 }),
      signal,
      onRetry: (error) => logger.warn(`declaring streams failed (${(error as Error).message}); retrying`),
    },
  );
}
