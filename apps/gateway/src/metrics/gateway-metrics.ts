import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { BreakerState } from '../proxy/circuit-breaker.js';

const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

/**
 * Per route and backend: requests by status class, latency, shadow match rate, fallbacks and
 * breaker state. Label children are cached: the proxy path does a map lookup, not label hashing.
 */
export class GatewayMetrics {
  private readonly requests: Counter<'route' | 'backend' | 'status_class'>;
  private readonly duration: Histogram<'route' | 'backend'>;
  private readonly fallbacks: Counter<'route' | 'reason'>;
  private readonly shadow: Counter<'route' | 'result'>;
  private readonly matchRate: Gauge<'route'>;
  private readonly breaker: Gauge<'upstream'>;
  private readonly requestChildren = new Map<string, { inc(): void }>();
  private readonly durationChildren = new Map<string, { observe(value: number): void }>();

  constructor(registry: Registry) {
    const registers = [registry];
    this.requests = new Counter({
      name: 'offramp_gateway_requests_total',
      help: 'Proxied requests by route, backend and status class',
      labelNames: ['route', 'backend', 'status_class'],
      registers,
    });
    this.duration = new Histogram({
      name: 'offramp_gateway_request_duration_seconds',
      help: 'Time to the end of the proxied response, by route and backend',
      labelNames: ['route', 'backend'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.fallbacks = new Counter({
      name: 'offramp_gateway_fallbacks_total',
      help: 'Requests answered by the monolith because the slice failed',
      labelNames: ['route', 'reason'],
      registers,
    });
    this.shadow = new Counter({
      name: 'offramp_gateway_shadow_comparisons_total',
      help: 'Shadow comparisons by route and result (match, mismatch, skipped, error)',
      labelNames: ['route', 'result'],
      registers,
    });
    this.matchRate = new Gauge({ name: 'offramp_gateway_shadow_match_ratio', help: 'Shadow match rate per route (0-1)', labelNames: ['route'], registers });
    this.breaker = new Gauge({
      name: 'offramp_gateway_circuit_state',
      help: 'Circuit breaker per upstream: 0 closed, 1 half-open, 2 open',
      labelNames: ['upstream'],
      registers,
    });
  }

  observe(route: string, backend: string, status: number, seconds: number): void {
    const statusClass = status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : 'error';
    const key = `${route}\u0000${backend}\u0000${statusClass}`;
    let counter = this.requestChildren.get(key);
    if (!counter) this.requestChildren.set(key, (counter = this.requests.labels(route, backend, statusClass)));
    counter.inc();
    const durationKey = `${route}\u0000${backend}`;
    let histogram = this.durationChildren.get(durationKey);
    if (!histogram) this.durationChildren.set(durationKey, (histogram = this.duration.labels(route, backend)));
    histogram.observe(seconds);
  }

  fallback(route: string, reason: string): void {
    this.fallbacks.labels(route, reason).inc();
  }

  shadowResult(route: string, result: 'match' | 'mismatch' | 'skipped' | 'error', matchRate?: number): void {
    this.shadow.labels(route, result).inc();
    if (matchRate !== undefined) this.matchRate.labels(route).set(matchRate);
  }

  breakerState(upstream: string, state: BreakerState): void {
    this.breaker.labels(upstream).set(BREAKER_VALUE[state]);
  }
}
