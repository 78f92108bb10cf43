import { context, diag, DiagLogLevel, propagation, trace, type Tracer } from '@opentelemetry/api';
import type { Sampler } from '@opentelemetry/sdk-trace';
import type { TracingConfig } from './tracing-config.js';

/** The tracer of this process while tracing is on; undefined when off, so hot paths test one field. */
let activeTracer: Tracer | undefined;

export function currentTracer(): Tracer | undefined {
  return activeTracer;
}

export interface Tracing {
  /**
   * Where the SDK's warnings and errors go (a collector that refuses or cannot be reached): the
   * service's logger, once it exists. Until then they go to stderr.
   */
  reportTo(warn: (message: string) => void): void;
  /**
   * Exports the spans still queued, then stops the SDK (graceful shutdown). Bounded: an
   * unreachable collector is reported, and does not hold the shutdown past `timeoutMs`.
   */
  shutdown(timeoutMs?: number): Promise<void>;
}

const OFF: Tracing = { reportTo: () => undefined, shutdown: () => Promise.resolve() };

/**
 * Starts the OpenTelemetry SDK when OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise the SDK is not
 * even loaded and the API stays its no-op. W3C trace context, OTLP/HTTP (JSON) export in batches,
 * the configured sampler. The API's globals are what libs/messaging's spans and propagation use.
 */
export async function startTracing(config: TracingConfig, options: { exportTimeoutMs?: number } = {}): Promise<Tracing> {
  if (!config.OTEL_EXPORTER_OTLP_ENDPOINT) return OFF;
  const [{ AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }, { OTLPTraceExporter }, { resourceFromAttributes }, sdk, { ATTR_SERVICE_NAME }] =
    await Promise.all([
      import('@opentelemetry/context-async-hooks'),
      import('@opentelemetry/core'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/sdk-trace'),
      import('@opentelemetry/semantic-conventions'),
    ]);
  const { BatchSpanProcessor, TracerProvider } = sdk;
  let warn: (message: string) => void = (message) => void process.stderr.write(`tracing: ${message}\n`);
  const report = (...args: unknown[]) => warn(args.map((arg) => (arg instanceof Error ? arg.message : String(arg))).join(' '));
  diag.setLogger({ error: report, warn: report, info: () => undefined, debug: () => undefined, verbose: () => undefined }, DiagLogLevel.WARN);
  const exporter = new OTLPTraceExporter({
    url: `${config.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`,
    // One export, its retries included (the SDK's default).
    timeoutMillis: options.exportTimeoutMs ?? 10_000,
  });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.OTEL_SERVICE_NAME }),
    sampler: samplerFor(config, sdk),
    spanProcessors: [new BatchSpanProcessor({ exporter })],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  activeTracer = provider.getTracer('@offramp/platform');
  return {
    reportTo(to) {
      warn = to;
    },
    async shutdown(timeoutMs = 2_000) {
      activeTracer = undefined;
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        provider.shutdown().then(
          () => undefined,
          (error: Error) => `spans not exported at shutdown: ${error.message}`,
        ),
        new Promise<string>((resolve) => (timer = setTimeout(resolve, timeoutMs, `spans not exported within ${timeoutMs} ms of the shutdown`))),
      ]);
      clearTimeout(timer);
      if (outcome) warn(outcome);
      // A later start in the same process (tests) may register its own.
      trace.disable();
      propagation.disable();
      context.disable();
      diag.disable();
    },
  };
}

function samplerFor(config: TracingConfig, sdk: typeof import('@opentelemetry/sdk-trace')): Sampler {
  const { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, TraceIdRatioBasedSampler } = sdk;
  const ratio = new TraceIdRatioBasedSampler(config.OTEL_TRACES_SAMPLER_ARG);
  switch (config.OTEL_TRACES_SAMPLER) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}
