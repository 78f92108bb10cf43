export { parseNatsUrl, InvalidNatsUrlError, type NatsServerSettings } from './connection/nats-url.js';
export { NatsConnectionManager, type NatsConnectionSettings, type NatsConnectionState } from './connection/nats-connection.manager.js';
export { checkNatsSecurity, natsSecurityOptions, InvalidNatsSecurityError, type NatsSecuritySettings } from './connection/nats-auth.js';
export { MessagingModule, startJetStreamConsumers } from './messaging.module.js';
export {
  CONSUMER_DEFAULTS,
  DEAD_LETTER_STREAM,
  DEAD_LETTER_SUBJECT_PREFIX,
  deadLetterStream,
  eventsStream,
  resolveConsumer,
  type ConsumerDefinition,
  type StreamDefinition,
} from './jetstream/definitions.js';
export { provisionConsumers, provisionStreams } from './jetstream/provisioner.js';
export { EventHeader, fromHeaders, toHeaders, type EventMetadata } from './jetstream/event-headers.js';
export { uuidv7 } from './publisher/uuid-v7.js';
export { EventPublisher, InvalidEventPayloadError, PublishFailedError, type PublishOptions, type PublishResult } from './publisher/event-publisher.js';
export { JetStreamServer, JetStreamEvent, JETSTREAM_TRANSPORT, type JetStreamServerOptions } from './consumer/jetstream.server.js';
export { JetStreamContext } from './consumer/jetstream.context.js';
export { JetStreamExceptionFilter } from './consumer/jetstream-exception.filter.js';
export { RetryLaterError } from './consumer/retry-later.error.js';
export { Semaphore } from './consumer/semaphore.js';
export { IdempotentConsumer, type InboxKey, type OnceResult } from './inbox/idempotent-consumer.js';
export { CreateOfframpInbox1764000000000, INBOX_TABLE, createInboxTableSql } from './inbox/inbox.migration.js';
export { OutboxRecord } from './outbox/outbox-record.entity.js';
export { recordOutboxEvent, OutboxOutsideTransactionError } from './outbox/outbox-writer.js';
export { OutboxRelay, type OutboxRelaySettings } from './outbox/outbox-relay.js';
export { OutboxSql, OUTBOX_TABLE, dialectOf, sqlParam, type Dialect } from './outbox/outbox-store.js';
export { CreateOfframpRelayLeases1764000000100, RELAY_LEASE_TABLE, createRelayLeaseTableSql } from './outbox/relay-lease.migration.js';
export type { OutboxRow } from './outbox/outbox-row.js';
export { outboxTimestamp, parseOutboxTimestamp } from './outbox/outbox-timestamp.js';
export { RelayMetrics } from './outbox/relay-metrics.js';
export { exponentialBackoff, linearBackoff, type Backoff } from './retry/backoff.js';
export { retryWithBackoff, RetryAbortedError, type RetryOptions } from './retry/retry-with-backoff.js';
export { RequestReplyModule, ServiceClient, RequestTimeoutError, natsRequestReplyServer, DEFAULT_REQUEST_TIMEOUT_MS } from './request-reply/request-reply.js';
export * from './queue-bridge/index.js';
export * from './messenger-bridge/index.js';
export { deliverySchedule, retryAfterMs, STANDARD_WEBHOOKS_SCHEDULE_MS, type DeliverySchedule } from './retry/delivery-schedule.js';
export { currentTraceContext, parseTraceContext, tracedConsume, tracedPublish, type TraceCarrier } from './tracing/message-trace.js';
export { CONSUMER_MIGRATIONS, RELAY_MIGRATIONS } from './migrations.js';
