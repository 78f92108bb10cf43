import type { IncomingHttpHeaders } from 'node:http';
import { type Context, context, propagation, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { currentTracer } from './tracing.js';

/** A server span of one HTTP request and the context its downstream calls continue. */
export interface HttpServerSpan {
  span: Span;
  context: Context;
  method: string;
}

const headerGetter = {
  get: (carrier: IncomingHttpHeaders, key: string) => carrier[key],
  keys: (carrier: IncomingHttpHeaders) => Object.keys(carrier),
};

/**
 * Starts the server span of an incoming request, continuing the caller's `traceparent` when it
 * sent one; undefined (and no work at all) while tracing is off.
 */
export function startHttpServerSpan(headers: IncomingHttpHeaders, method: string, name = method): HttpServerSpan | undefined {
  const tracer = currentTracer();
  if (!tracer) return undefined;
  const parent = headers['traceparent'] ? propagation.extract(ROOT_CONTEXT, headers, headerGetter) : ROOT_CONTEXT;
  const span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method } }, parent);
  return { span, context: trace.setSpan(parent, span), method };
}

/** Ends the span with the answer's status; the matched route names it (`GET /orders/:id`), as OTel's HTTP conventions do. */
export function endHttpServerSpan(server: HttpServerSpan, statusCode: number, route?: string, name = route && `${server.method} ${route}`): void {
  server.span.setAttribute('http.response.status_code', statusCode);
  if (route) server.span.setAttribute('http.route', route);
  if (name) server.span.updateName(name);
  if (statusCode >= 500) server.span.setStatus({ code: SpanStatusCode.ERROR });
  server.span.end();
}

/** Adds `traceparent` (and `tracestate`) of the context to the headers of an outgoing request. */
export function injectTraceHeaders(ctx: Context, headers: Record<string, string | string[]>): void {
  propagation.inject(ctx, headers);
}

/** Runs `fn` inside the span's context (so what it calls, NATS and the outbox included, continues the trace). */
export function withHttpServerSpan<T>(server: HttpServerSpan, fn: () => T): T {
  return context.with(server.context, fn);
}
