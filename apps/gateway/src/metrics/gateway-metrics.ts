import { Counter, Gauge, type Registry } from 'prom-client';
import type { BreakerState } from '@offramp/platform';
import type { MetricsHistory } from './metrics-history.js';
import { LATENCY_BOUNDS } from './minute-buckets.js';
import { RequestTally } from './request-tally.js';

const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

/**
 * Per route and backend: requests by status class, latency, shadow match rate, fallbacks and
 * breaker state. Requests and latency, counted on every proxied request, are tallied in plain
 * numbers (RequestTally) and become Prometheus samples at scrape time. The same events go into the
 * per-minute history every replica writes to NATS KV (MetricsHistory), which the dashboard reads.
 */
export class GatewayMetrics {
  private readonly requests: RequestTally;
  private readonly fallbacks: Counter<'route' | 'reason'>;
  private readonly shadow: Counter<'route' | 'result'>;
  private readonly matchRate: Gauge<'route'>;
  private readonly breaker: Gauge<'upstream'>;
  private readonly breakers = new Map<string, BreakerState>();

  constructor(
    registry: Registry,
    replay?: { held: number; peak: number; capBytes: number },
    private readonly history?: MetricsHistory,
  ) {
    const registers = [registry];
    this.requests = new RequestTally(
      'offramp_gateway_requests_total',
      'Proxied requests by route, backend and status class',
      'offramp_gateway_request_duration_seconds',
      'Time to the end of the proxied response, by route and backend',
      LATENCY_BOUNDS,
    );
    for (const metric of this.requests.metrics()) registry.registerMetric(metric);
    this.fallbacks = new Counter({
      name: 'offramp_gateway_fallbacks_total',
      help: 'Requests of service routes answered by the monolith: the slice failed (connect, timeout, status_5xx, circuit_open) or deferred to it (deferred)',
      labelNames: ['route', 'reason'],
      registers,
    });
    this.shadow = new Counter({
      name: 'offramp_gateway_shadow_comparisons_total',
      help: 'Shadow comparisons by route and result (match, mismatch, skipped, deferred, error)',
      labelNames: ['route', 'result'],
      registers,
    });
    this.matchRate = new Gauge({ name: 'offramp_gateway_shadow_match_ratio', help: 'Shadow match rate per route (0-1)', labelNames: ['route'], registers });
    if (replay) {
      new Gauge({
        name: 'offramp_gateway_replay_buffer_bytes',
        help: 'Request-body bytes held in memory for fallback replay and shadow copies',
        registers,
        collect() {
          this.set(replay.held);
        },
      });
      new Gauge({
        name: 'offramp_gateway_replay_buffer_peak_bytes',
        help: 'The most request-body bytes ever held at once for replay',
        registers,
        collect() {
          this.set(replay.peak);
        },
      });
      new Gauge({
        name: 'offramp_gateway_replay_buffer_cap_bytes',
        help: 'GATEWAY_REPLAY_BUFFER_BYTES',
        registers,
        collect() {
          this.set(replay.capBytes);
        },
      });
    }
    this.breaker = new Gauge({
      name: 'offramp_gateway_circuit_state',
      help: 'Circuit breaker per upstream: 0 closed, 1 half-open, 2 open',
      labelNames: ['upstream'],
      registers,
    });
  }

  observe(route: string, backend: string, status: number, seconds: number): void {
    this.requests.observe(route, backend, status, seconds);
    this.history?.request(route, backend, status, seconds);
  }

  fallback(route: string, reason: string): void {
    this.fallbacks.labels(route, reason).inc();
    // The history's fallbacks are what the dashboard flags: a slice's deferral is it working as meant, not one.
    if (reason !== 'deferred') this.history?.fallback(route);
  }

  shadowResult(route: string, result: 'match' | 'mismatch' | 'skipped' | 'deferred' | 'error', matchRate?: number): void {
    this.shadow.labels(route, result).inc();
    if (matchRate !== undefined) this.matchRate.labels(route).set(matchRate);
    if (result === 'match' || result === 'mismatch') this.history?.shadowComparison(route, result === 'match');
  }

  breakerState(upstream: string, state: BreakerState): void {
    this.breaker.labels(upstream).set(BREAKER_VALUE[state]);
    this.breakers.set(upstream, state);
  }

  /** This replica's circuit per upstream that ever changed (an upstream not listed is closed). */
  breakerStates(): ReadonlyMap<string, BreakerState> {
    return this.breakers;
  }
}
