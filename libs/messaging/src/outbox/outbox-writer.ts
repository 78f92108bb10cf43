import { randomUUID } from 'node:crypto';
import { EVENT_CATALOG, type EventPayload, type EventSubject, validateEvent } from '@offramp/contracts';
import type { EntityManager } from 'typeorm';
import { InvalidEventPayloadError } from '../publisher/event-publisher.js';
import { currentTraceContext } from '../tracing/message-trace.js';
import { OutboxRecord } from './outbox-record.entity.js';
import { outboxTimestamp } from './outbox-timestamp.js';

/** An event recorded outside a transaction could be kept while the change it describes rolls back. */
export class OutboxOutsideTransactionError extends Error {
  constructor(subject: string) {
    super(`recording ${subject} in the outbox needs the transaction of the change it describes (EntityManager of dataSource.transaction)`);
    this.name = 'OutboxOutsideTransactionError';
  }
}

/**
 * App\Offramp\Outbox::record() for the slices: inserts one outbox row in the transaction of the
 * change it describes, so both commit or neither does; the relay publishes it after the commit.
 * The subject names the catalog entry, and its payload type is checked when this compiles and
 * its schema when it runs. The aggregate is the catalog's (`order`, `product`); its id is the
 * payload's `<aggregate>_id`. Returns the event id (the Nats-Msg-Id the relay will use).
 */
export async function recordOutboxEvent<S extends EventSubject>(manager: EntityManager, subject: S, payload: EventPayload<S>): Promise<string> {
  if (!manager.queryRunner?.isTransactionActive) throw new OutboxOutsideTransactionError(subject);
  const check = validateEvent(subject, payload);
  if (check.ok !== true) throw new InvalidEventPayloadError(subject, check.ok === false ? check.reason : 'not in the event catalog');
  const aggregateType = EVENT_CATALOG[subject].aggregate;
  const eventId = randomUUID();
  await manager.insert(OutboxRecord, {
    eventId,
    aggregateType,
    aggregateId: String((payload as Record<string, unknown>)[`${aggregateType}_id`]),
    eventType: subject,
    payload: JSON.stringify(payload),
    occurredAt: outboxTimestamp(),
    publishedAt: null,
    attempts: 0,
    lastError: null,
    traceContext: currentTraceContext(),
  });
  return eventId;
}
