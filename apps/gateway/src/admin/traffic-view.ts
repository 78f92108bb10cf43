import { type BackendMinute, errorRate, latencyQuantileMs, MINUTE_STATUS_CLASSES, type RouteMinute } from '../metrics/minute-buckets.js';
import type { BackendTrafficDto, StatusClassCountsDto, TrafficMinuteDto } from './metrics-history.dto.js';

/** The stored counts of a span (one minute or many) as the admin API answers them. */
export function trafficMinute(at: number, minute: RouteMinute, spanSeconds: number): TrafficMinuteDto {
  return {
    at: new Date(at).toISOString(),
    backends: Object.entries(minute.backends)
      .map(([backend, counts]) => backendTraffic(backend, counts, spanSeconds))
      .sort((a, b) => a.backend.localeCompare(b.backend)),
    fallbacks: minute.fallbacks,
    shadow: { ...minute.shadow },
  };
}

export function backendTraffic(backend: string, counts: BackendMinute, spanSeconds: number): BackendTrafficDto {
  const statusClasses = Object.fromEntries(
    MINUTE_STATUS_CLASSES.map((name, index) => [name, counts.statusClasses[index] ?? 0]),
  ) as unknown as StatusClassCountsDto;
  return {
    backend,
    requests: counts.requests,
    perSecond: spanSeconds > 0 ? counts.requests / spanSeconds : 0,
    statusClasses,
    errorRate: errorRate(counts),
    p50Ms: latencyQuantileMs(counts, 0.5),
    p99Ms: latencyQuantileMs(counts, 0.99),
  };
}
