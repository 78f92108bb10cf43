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

/** The header each metadata field is read from (Nats-Msg-Id is the event id's fallback). */
const FIELD_OF_HEADER: ReadonlyMap<string, keyof EventMetadata | 'msgId'> = new Map([
  [EventHeader.msgId, 'msgId'],
  [EventHeader.eventId, 'eventId'],
  [EventHeader.correlationId, 'correlationId'],
  [EventHeader.causationId, 'causationId'],
  [EventHeader.occurredAt, 'occurredAt'],
  [EventHeader.aggregate, 'aggregate'],
  [EventHeader.traceparent, 'traceparent'],
  [EventHeader.tracestate, 'tracestate'],
  [EventHeader.identity, 'identity'],
]);

/**
 * Names are matched exactly, as MsgHdrs.get() does by default. One pass over the headers: a get()
 * per field copies and filters the list of names each time, eight times per consumed message.
 */
export function fromHeaders(h: MsgHdrs | undefined, fallbackId: string): EventMetadata {
  const found: Partial<Record<keyof EventMetadata | 'msgId', string>> = {};
  if (h) {
    for (const [name, values] of h) {
      const field = FIELD_OF_HEADER.get(name);
      if (field !== undefined && values[0]) found[field] = values[0];
    }
  }
  return {
    eventId: found.eventId ?? found.msgId ?? fallbackId,
    correlationId: found.correlationId,
    causationId: found.causationId,
    occurredAt: found.occurredAt,
    aggregate: found.aggregate,
    traceparent: found.traceparent,
    tracestate: found.tracestate,
    identity: found.identity,
  };
}
