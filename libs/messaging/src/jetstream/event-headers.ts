import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';

/** Header names every event carries; documented in the AsyncAPI document (libs/contracts). */
export const EventHeader = {
  msgId: 'Nats-Msg-Id',
  eventId: 'Offramp-Event-Id',
  correlationId: 'Offramp-Correlation-Id',
  causationId: 'Offramp-Causation-Id',
  occurredAt: 'Offramp-Occurred-At',
  aggregate: 'Offramp-Aggregate',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  identity: 'Offramp-Identity',
  // Dead-letter copies.
  deadLetterReason: 'Offramp-Dead-Letter-Reason',
  originalSubject: 'Offramp-Original-Subject',
  originalStream: 'Offramp-Original-Stream',
  originalSequence: 'Offramp-Original-Sequence',
  consumer: 'Offramp-Consumer',
  deliveries: 'Offramp-Deliveries',
} as const;

/** What travels with an event besides its payload. */
export interface EventMetadata {
  eventId: string;
  correlationId?: string;
  causationId?: string;
  occurredAt?: string;
  aggregate?: string;
  traceparent?: string;
  tracestate?: string;
  identity?: string;
}

export function toHeaders(metadata: EventMetadata): MsgHdrs {
  const h = natsHeaders();
  h.set(EventHeader.msgId, metadata.eventId);
  h.set(EventHeader.eventId, metadata.eventId);
  const optional: Array<[string, string | undefined]> = [
    [EventHeader.correlationId, metadata.correlationId],
    [EventHeader.causationId, metadata.causationId],
    [EventHeader.occurredAt, metadata.occurredAt],
    [EventHeader.aggregate, metadata.aggregate],
    [EventHeader.traceparent, metadata.traceparent],
    [EventHeader.tracestate, metadata.tracestate],
    [EventHeader.identity, metadata.identity],
  ];
  for (const [name, value] of optional) if (value) h.set(name, value);
  return h;
}

export function fromHeaders(h: MsgHdrs | undefined, fallbackId: string): EventMetadata {
  const get = (name: string) => h?.get(name) || undefined;
  return {
    eventId: get(EventHeader.eventId) ?? get(EventHeader.msgId) ?? fallbackId,
    correlationId: get(EventHeader.correlationId),
    causationId: get(EventHeader.causationId),
    occurredAt: get(EventHeader.occurredAt),
    aggregate: get(EventHeader.aggregate),
    traceparent: get(EventHeader.traceparent),
    tracestate: get(EventHeader.tracestate),
    identity: get(EventHeader.identity),
  };
}
