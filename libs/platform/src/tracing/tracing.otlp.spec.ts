import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context } from '@opentelemetry/api';
import { currentTraceContext, parseTraceContext, tracedConsume, tracedPublish } from '@offramp/messaging';
import { SPAN_KIND, startOtlpReceiver, type OtlpReceiver } from '@offramp/testing';
import { ConfigError } from '../config/config-error.js';
import { loadConfig, serviceConfigSchema } from '../config/service-config.js';
import { endHttpServerSpan, injectTraceHeaders, startHttpServerSpan, withHttpServerSpan } from './http-server-span.js';
import { currentTracer, startTracing } from './tracing.js';

const schema = serviceConfigSchema({ port: 3001, service: 'api' });
const CALLER = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('tracing configuration', () => {
  it('is off by default, named after the service, parent-based and always on when enabled', () => {
    const config = loadConfig(schema, {});
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(config.OTEL_SERVICE_NAME).toBe('api');
    expect(config.OTEL_TRACES_SAMPLER).toBe('parentbased_always_on');
    expect(config.OTEL_TRACES_SAMPLER_ARG).toBe(1);
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://collector:4317' }, 'OTEL_EXPORTER_OTLP_ENDPOINT'],
    [{ OTEL_TRACES_SAMPLER: 'sometimes' }, 'OTEL_TRACES_SAMPLER'],
    [{ OTEL_TRACES_SAMPLER_ARG: '1.5' }, 'OTEL_TRACES_SAMPLER_ARG'],
    [{ OTEL_TRACES_SAMPLER_ARG: 'half' }, 'OTEL_TRACES_SAMPLER_ARG'],
  ])('refuses %j, naming the variable', (env, variable) => {
    expect(configError(env).variable).toBe(variable);
  });
});

describe('tracing off', () => {
  it('starts nothing: no tracer, no server span, no trace context for the outbox', async () => {
    const tracing = await startTracing(loadConfig(schema, {}));
    expect(currentTracer()).toBeUndefined();
    expect(startHttpServerSpan({ traceparent: CALLER }, 'GET')).toBeUndefined();
    expect(currentTraceContext()).toBeNull();
    await tracing.shutdown();
  });

  it('passes an outbox row’s trace context on unchanged', async () => {
    const carried = await tracedPublish('shop.orders.placed.v1', parseTraceContext(JSON.stringify({ traceparent: CALLER })), async (trace) => trace);
    expect(carried).toEqual({ traceparent: CALLER });
  });
});

describe('tracing on, exported to a loopback OTLP/HTTP receiver', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
  });

  it('continues the caller’s trace: server span → outbox context → publish → consumer, all flushed at shutdown', async () => {
    const tracing = await startTracing(loadConfig(schema, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'tracing-spec' }));
    const server = startHttpServerSpan({ traceparent: CALLER }, 'POST');
    if (!server) throw new Error('expected a server span with tracing on');
    const upstream: Record<string, string | string[]> = {};
    injectTraceHeaders(server.context, upstream);
    const stored = withHttpServerSpan(server, () => currentTraceContext());
    endHttpServerSpan(server, 201, '/api/orders');
    // What the relay does with the row, then what a consumer does with the message.
    const headers = await tracedPublish('shop.orders.placed.v1', parseTraceContext(stored), async (trace) => trace);
    const inside = await tracedConsume('shop.orders.placed.v1', 'spec-consumer', headers, async () => currentTraceContext());
    await tracing.shutdown();
    expect(currentTracer()).toBeUndefined();
    expect(context.active()).toBeDefined();

    const spans = receiver.spans.filter((span) => span.service === 'tracing-spec');
    const byKind = (kind: number) => spans.find((span) => span.kind === kind);
    const [serverSpan, producer, consumer] = [byKind(SPAN_KIND.server), byKind(SPAN_KIND.producer), byKind(SPAN_KIND.consumer)];
    expect(spans).toHaveLength(3);
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set(['4bf92f3577b34da6a3ce929d0e0e4736']));
    expect(serverSpan).toMatchObject({ name: 'POST /api/orders', parentSpanId: '00f067aa0ba902b7', attributes: { 'http.response.status_code': 201 } });
    expect(upstream['traceparent']).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${serverSpan?.spanId}-01`);
    expect(JSON.parse(stored ?? '{}')).toEqual({ traceparent: `00-4bf92f3577b34da6a3ce929d0e0e4736-${serverSpan?.spanId}-01` });
    expect(producer).toMatchObject({ name: 'publish shop.orders.placed.v1', parentSpanId: serverSpan?.spanId });
    expect(headers.traceparent).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${producer?.spanId}-01`);
    expect(consumer).toMatchObject({ name: 'process shop.orders.placed.v1', parentSpanId: producer?.spanId });
    expect(JSON.parse(inside ?? '{}').traceparent).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${consumer?.spanId}-01`);
  });

  /** A collector that answers every export with `status`, or never (`hang`). */
  async function collector(status: number | 'hang') {
    const server = createServer((request, response) => {
      request.resume();
      if (status !== 'hang') request.on('end', () => response.writeHead(status).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve(server.closeAllConnections()))),
    };
  }
  const oneSpanThenShutdown = async (url: string, shutdownMs: number) => {
    const tracing = await startTracing(loadConfig(schema, { OTEL_EXPORTER_OTLP_ENDPOINT: url }), { exportTimeoutMs: 1_000 });
    const warnings: string[] = [];
    tracing.reportTo((message) => warnings.push(message));
    const server = startHttpServerSpan({}, 'GET');
    if (!server) throw new Error('expected a server span with tracing on');
    endHttpServerSpan(server, 200);
    await tracing.shutdown(shutdownMs);
    return warnings;
  };

  it('reports spans a collector refuses instead of dropping them silently', async () => {
    const refusing = await collector(400);
    try {
      expect(await oneSpanThenShutdown(refusing.url, 5_000)).toEqual(['spans not exported at shutdown: Bad Request']);
    } finally {
      await refusing.close();
    }
  });

  it('does not hold the shutdown for a collector that does not answer', async () => {
    const hanging = await collector('hang');
    try {
      expect(await oneSpanThenShutdown(hanging.url, 100)).toEqual(['spans not exported within 100 ms of the shutdown']);
    } finally {
      await hanging.close();
    }
  });

  it('samples at the configured ratio for new traces and follows the caller’s decision otherwise', async () => {
    const tracing = await startTracing(
      loadConfig(schema, {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_SERVICE_NAME: 'sampling-spec',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0',
      }),
    );
    const fresh = startHttpServerSpan({}, 'GET');
    const followed = startHttpServerSpan({ traceparent: CALLER }, 'GET');
    if (!fresh || !followed) throw new Error('expected server spans with tracing on');
    const headers: Record<string, string | string[]> = {};
    injectTraceHeaders(fresh.context, headers);
    endHttpServerSpan(fresh, 200);
    endHttpServerSpan(followed, 200);
    await tracing.shutdown();
    // Not sampled, yet propagated: the next service sees the decision (flags 00).
    expect(headers['traceparent']).toMatch(/^00-[\da-f]{32}-[\da-f]{16}-00$/);
    const spans = receiver.spans.filter((span) => span.service === 'sampling-spec');
    expect(spans.map((span) => span.traceId)).toEqual(['4bf92f3577b34da6a3ce929d0e0e4736']);
  });
});
