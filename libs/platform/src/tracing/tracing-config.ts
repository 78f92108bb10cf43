import { z } from 'zod';

export const TRACES_SAMPLERS = [
  'parentbased_traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'traceidratio',
  'always_on',
  'always_off',
] as const;

const httpUrl = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return void ctx.addIssue({ code: 'custom', message: 'expected an http(s) URL of an OTLP/HTTP receiver, e.g. http://collector:4318' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    ctx.addIssue({ code: 'custom', message: `expected an http(s) URL, got the scheme ${url.protocol}` });
});

/**
 * The OpenTelemetry variables every service reads (their names and meaning as in the OTel
 * specification, so a collector set-up written for any SDK applies). Unset endpoint: tracing off.
 */
export function tracingConfigShape(service: string) {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional().describe('base URL of an OTLP/HTTP receiver (spans go to <url>/v1/traces); unset: tracing off'),
    OTEL_SERVICE_NAME: z.string().min(1).default(service).describe('service.name of the spans (the service name by default)'),
    OTEL_TRACES_SAMPLER: z
      .enum(TRACES_SAMPLERS)
      .default('parentbased_always_on')
      .describe(`one of ${TRACES_SAMPLERS.join(', ')}`),
    OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1).describe('sampling ratio of the *traceidratio samplers, 0 to 1'),
  };
}

export interface TracingConfig {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_SERVICE_NAME: string;
  OTEL_TRACES_SAMPLER: (typeof TRACES_SAMPLERS)[number];
  OTEL_TRACES_SAMPLER_ARG: number;
}
