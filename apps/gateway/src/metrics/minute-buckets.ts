/**
 * One minute of one route's traffic on one backend, in numbers that add up across replicas:
 * counts per status class and a latency histogram (quantiles are read from the summed histogram,
 * never averaged), fallbacks, and the shadow comparisons of that minute.
 */

/** `error` is a response that never completed (the client or the upstream broke off). */
export const MINUTE_STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx', 'error'] as const;
export type MinuteStatusClass = (typeof MINUTE_STATUS_CLASSES)[number];

/** Upper bounds (seconds) of the latency histogram; the last bucket is +Inf. The same as /metrics. */
export const LATENCY_BOUNDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

export interface BackendMinute {
  requests: number;
  /** Indexed like MINUTE_STATUS_CLASSES. */
  statusClasses: number[];
  /** Indexed like LATENCY_BOUNDS, plus one for +Inf. */
  latency: number[];
  latencySumSeconds: number;
}

export interface RouteMinute {
  backends: Record<string, BackendMinute>;
  fallbacks: number;
  shadow: { samples: number; matches: number };
}

export function emptyRouteMinute(): RouteMinute {
  return { backends: {}, fallbacks: 0, shadow: { samples: 0, matches: 0 } };
}

export function emptyBackendMinute(): BackendMinute {
  return { requests: 0, statusClasses: MINUTE_STATUS_CLASSES.map(() => 0), latency: [...LATENCY_BOUNDS, Infinity].map(() => 0), latencySumSeconds: 0 };
}

export function statusClassIndex(status: number): number {
  return status >= 100 && status < 600 ? Math.floor(status / 100) - 1 : MINUTE_STATUS_CLASSES.indexOf('error');
}

export function addRequest(minute: BackendMinute, status: number, seconds: number): void {
  minute.requests += 1;
  const statusIndex = statusClassIndex(status);
  minute.statusClasses[statusIndex] = (minute.statusClasses[statusIndex] ?? 0) + 1;
  let bucket = 0;
  while (bucket < LATENCY_BOUNDS.length && seconds > (LATENCY_BOUNDS[bucket] ?? Infinity)) bucket++;
  minute.latency[bucket] = (minute.latency[bucket] ?? 0) + 1;
  minute.latencySumSeconds += seconds;
}

/** Adds `from` into `into` (another replica's minute, or the next minute of a range). */
export function addRouteMinute(into: RouteMinute, from: Partial<RouteMinute>): void {
  for (const [backend, counts] of Object.entries(from.backends ?? {})) {
    const target = (into.backends[backend] ??= emptyBackendMinute());
    target.requests += counts.requests ?? 0;
    counts.statusClasses?.forEach((value, index) => (target.statusClasses[index] = (target.statusClasses[index] ?? 0) + value));
    counts.latency?.forEach((value, index) => (target.latency[index] = (target.latency[index] ?? 0) + value));
    target.latencySumSeconds += counts.latencySumSeconds ?? 0;
  }
  into.fallbacks += from.fallbacks ?? 0;
  into.shadow.samples += from.shadow?.samples ?? 0;
  into.shadow.matches += from.shadow?.matches ?? 0;
}

/**
 * The latency below which `quantile` of the requests finished, in milliseconds, interpolated
 * inside its histogram bucket (as Prometheus' histogram_quantile does); null without requests.
 * A quantile in the +Inf bucket is reported as the last finite bound.
 */
export function latencyQuantileMs(minute: BackendMinute, quantile: number): number | null {
  const total = minute.latency.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = quantile * total;
  let seen = 0;
  for (let index = 0; index < minute.latency.length; index++) {
    const count = minute.latency[index] ?? 0;
    if (seen + count >= rank && count > 0) {
      const upper = LATENCY_BOUNDS[index];
      if (upper === undefined) return (LATENCY_BOUNDS[LATENCY_BOUNDS.length - 1] ?? 0) * 1_000;
      const lower = index === 0 ? 0 : (LATENCY_BOUNDS[index - 1] ?? 0);
      return (lower + (upper - lower) * ((rank - seen) / count)) * 1_000;
    }
    seen += count;
  }
  return null;
}

/** The share of requests answered 5xx or broken off, null without requests. */
export function errorRate(minute: BackendMinute): number | null {
  if (minute.requests === 0) return null;
  const errors = (minute.statusClasses[MINUTE_STATUS_CLASSES.indexOf('5xx')] ?? 0) + (minute.statusClasses[MINUTE_STATUS_CLASSES.indexOf('error')] ?? 0);
  return errors / minute.requests;
}
