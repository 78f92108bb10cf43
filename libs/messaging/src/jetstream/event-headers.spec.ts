import { headers } from '@nats-io/transport-node';
import { EventHeader, fromHeaders, toHeaders } from './event-headers.js';

describe('event headers', () => {
  it('reads back every field toHeaders wrote', () => {
    const metadata = {
      eventId: '0190aaaa-bbbb-7ccc-8ddd-000000000001',
      correlationId: 'corr-1',
      causationId: 'cause-1',
      occurredAt: '2026-01-31T12:00:00.123456Z',
      aggregate: 'order:7',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      tracestate: 'vendor=1',
      identity: 'signed-identity',
    };
    expect(fromHeaders(toHeaders(metadata), 'S:1')).toEqual(metadata);
  });

  it('falls back to Nats-Msg-Id, then to the stream position, for the event id', () => {
    const onlyMsgId = headers();
    onlyMsgId.set(EventHeader.msgId, 'msg-1');
    expect(fromHeaders(onlyMsgId, 'S:1').eventId).toBe('msg-1');
    expect(fromHeaders(headers(), 'S:2').eventId).toBe('S:2');
    expect(fromHeaders(undefined, 'S:3')).toEqual({ eventId: 'S:3' });
  });

  it('matches names exactly, takes the first of repeated values and ignores empty ones', () => {
    const h = headers();
    h.append(EventHeader.eventId, 'first');
    h.append(EventHeader.eventId, 'second');
    h.set('offramp-correlation-id', 'other case');
    h.set(EventHeader.causationId, '');
    h.set('constructor', 'not a field');
    const metadata = fromHeaders(h, 'S:1');
    expect(metadata.eventId).toBe('first');
    expect(metadata.correlationId).toBeUndefined();
    expect(metadata.causationId).toBeUndefined();
    expect(Object.keys(metadata).sort()).toEqual([
      'aggregate',
      'causationId',
      'correlationId',
      'eventId',
      'identity',
      'occurredAt',
      'traceparent',
      'tracestate',
    ]);
  });
});
