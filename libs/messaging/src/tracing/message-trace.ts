import { type Context, context, propagation, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

/**
 * Trace context across NATS and the outbox, on the OpenTelemetry API only: libs/platform starts the
 * SDK (OTEL_EXPORTER_OTLP_ENDPOINT); without it every call here is the API's no-op.
 */
const TRACER = '@offramp/messaging';
const TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;

/** W3C trace context as carried in headers and in the outbox row's `trace_context` column. */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

/** The active trace context as headers (empty outside a trace, and always while tracing is off). */
export function activeTraceCarrier(): TraceCarrier {
  const carrier: TraceCarrier = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** The current trace context, to be written with an outbox row (null outside a trace). */
export function currentTraceContext(): string | null {
  const carrier = activeTraceCarrier();
  return carrier.traceparent ? JSON.stringify(carrier) : null;
}

/**
 * The trace context of an outbox row: JSON `{"traceparent": …, "tracestate": …}` as both recorders
 * write it. Anything else (a hand-written row, another tool) is no context rather than an error.
 */
export function parseTraceContext(stored: string | null | undefined): TraceCarrier | undefined {
  if (!stored) return undefined;
  try {
    const value = JSON.parse(stored) as TraceCarrier;
    if (typeof value?.traceparent !== 'string' || !TRACEPARENT.test(value.traceparent)) return undefined;
    return { traceparent: value.traceparent, tracestate: typeof value.tracestate === 'string' ? value.tracestate : undefined };
  } catch {
    return undefined;
  }
}

/**
 * Runs a publish inside a PRODUCER span, child of `parent` (the outbox row's context) or of the
 * active context; `headersOf` gets the traceparent/tracestate the message must carry. With tracing
 * off the row's own context is passed on unchanged, so a later traced hop still joins the trace.
 */
export async function tracedPublish<T>(subject: string, parent: TraceCarrier | undefined, publish: (trace: TraceCarrier) => Promise<T>): Promise<T> {
  const parentContext = parent ? propagation.extract(ROOT_CONTEXT, parent) : context.active();
  const tracer = trace.getTracer(TRACER);
  const span = tracer.startSpan(
    `publish ${subject}`,
    { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': subject } },
    parentContext,
  );
  const carrier: TraceCarrier = {};
  propagation.inject(trace.setSpan(parentContext, span), carrier);
  try {
    return await publish(carrier.traceparent ? carrier : (parent ?? {}));
  } catch (error) {
    failed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** Runs a message's handler inside a CONSUMER span, child of the message's traceparent. */
export async function tracedConsume<T>(subject: string, durable: string, carrier: TraceCarrier, handle: () => Promise<T>): Promise<T> {
  const parentContext: Context = carrier.traceparent ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;
  const span = trace
    .getTracer(TRACER)
    .startSpan(
      `process ${subject}`,
      { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': subject, 'messaging.consumer.group.name': durable } },
      parentContext,
    );
  try {
    return await context.with(trace.setSpan(parentContext, span), handle);
  } catch (error) {
    failed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

function failed(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message ?? String(error) });
}
