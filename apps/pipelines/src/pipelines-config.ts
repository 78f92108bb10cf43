import { z } from 'zod';
import { booleanField, integerField as int } from '@offramp/platform';

/** The pipelines service's own variables, validated with the shared ones. */
export const pipelinesConfig = {
  OUTBOX_RELAY_ENABLED: booleanField(true).describe('true or false (1 or 0)'),
  OUTBOX_RELAY_BATCH_SIZE: int(1, 5_000).default(200).describe('rows per batch (1-5000)'),
  OUTBOX_RELAY_IDLE_POLL_MAX_MS: int(5, 10_000).default(250).describe('longest pause between polls of an empty outbox, ms (5-10000)'),
  OUTBOX_RELAY_LEASE_TTL_MS: int(1_000, 600_000).default(10_000).describe('SQLite relay lease, ms (1000-600000)'),
  OUTBOX_TABLE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .default('offramp_outbox')
    .describe('the outbox table name (letters, digits, _)'),
  EVENTS_STREAM_REPLICAS: int(1, 5).default(1).describe('JetStream replicas of the events streams (1 locally, 3 on a cluster)'),
  EVENTS_STREAM_MAX_AGE_HOURS: int(1, 24 * 365)
    .default(24 * 7)
    .describe('hours an event stays in the stream (1-8760)'),
  EVENTS_DUPLICATE_WINDOW_MINUTES: int(1, 24 * 60)
    .default(120)
    .describe('minutes in which a repeated Nats-Msg-Id is dropped (1-1440)'),
};
