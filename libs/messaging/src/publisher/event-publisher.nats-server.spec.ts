import { jetstreamManager } from '@nats-io/jetstream';
import { context, propagation, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { startNatsServer, type NatsServerHandle } from '@offramp/testing';
import { TEST_STREAM } from '../__fixtures__/effects-consumer.js';
import { NatsConnectionManager } from '../connection/nats-connection.manager.js';
import { EventHeader } from '../jetstream/event-headers.js';
import { provisionStreams } from '../jetstream/provisioner.js';
import { EventPublisher } from './event-publisher.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('EventPublisher and the trace it is called in (real nats-server)', () => {
  let server: NatsServerHandle;
  let connection: NatsConnectionManager;
  let publisher: EventPublisher;

  beforeAll(async () => {
    server = await startNatsServer();
    connection = new NatsConnectionManager({ url: server.url, name: 'publisher-trace-spec' });
    const nc = await connection.connected();
    await provisionStreams(await jetstreamManager(nc), [TEST_STREAM]);
    publisher = new EventPublisher(() => nc, { timeoutMs: 2_000, validate: false });
  });
  afterAll(async () => {
    await connection?.close();
    await server?.stop();
  });

  const storedHeaders = async (seq: number) => {
    const jsm = await jetstreamManager(await connection.connected());
    const message = await jsm.streams.getMessage(TEST_STREAM.name, { seq });
    return { traceparent: message?.header.get(EventHeader.traceparent) ?? '', tracestate: message?.header.get(EventHeader.tracestate) ?? '' };
  };

  it('carries no trace context outside a trace or while tracing is off', async () => {
    const published = await publisher.publish('test.trace.none.v1', { n: 1 });
    expect(await storedHeaders(published.seq)).toEqual({ traceparent: '', tracestate: '' });
  });

  it('carries the active span as traceparent, and an explicit one (the relay’s) over it', async () => {
    // What the platform's SDK registers; the span is a caller's, taken as it came.
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    try {
      const active = trace.wrapSpanContext({ traceId: TRACE_ID, spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED });
      const [inTrace, explicit] = await context.with(trace.setSpan(context.active(), active), () =>
        Promise.all([
          publisher.publish('test.trace.active.v1', { n: 2 }),
          publisher.publish('test.trace.explicit.v1', { n: 3 }, { traceparent: `00-${TRACE_ID}-1111111111111111-01`, tracestate: 'relay=1' }),
        ]),
      );
      expect(await storedHeaders(inTrace.seq)).toEqual({ traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01`, tracestate: '' });
      expect(await storedHeaders(explicit.seq)).toEqual({ traceparent: `00-${TRACE_ID}-1111111111111111-01`, tracestate: 'relay=1' });
    } finally {
      propagation.disable();
      context.disable();
    }
  });
});
