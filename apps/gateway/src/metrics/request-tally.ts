import type { Metric } from 'prom-client';

/** `0` is the class of a response that never completed (the client or the upstream broke off). */
const STATUS_CLASSES = ['error', '1xx', '2xx', '3xx', '4xx', '5xx'] as const;

/** One sample as prom-client's Registry formats it (its own types for this are not exported). */
interface Sample {
  metricName?: string;
  labels: Record<string, string | number>;
  value: number;
}

interface Tally {
  route: string;
  backend: string;
  /** Indexed like STATUS_CLASSES. */
  byStatusClass: number[];
  /** Per bucket (not cumulative: summed at scrape time), the last one is +Inf. */
  buckets: number[];
  sum: number;
  count: number;
}

/**
 * Requests and latency per route and backend, counted in plain numbers on the proxy path and
 * turned into Prometheus samples only when /metrics is scraped. prom-client's label children
 * hash their label object, validate it and allocate a closure on every observe(): that was the
 * largest share of the gateway's own JavaScript per proxied request.
 */
export class RequestTally {
  private readonly byRoute = new Map<string, Map<string, Tally>>();

  constructor(
    private readonly counterName: string,
    private readonly counterHelp: string,
    private readonly histogramName: string,
    private readonly histogramHelp: string,
    private readonly upperBounds: readonly number[],
  ) {}

  observe(route: string, backend: string, status: number, seconds: number): void {
    // Route ids and backend names are the same string objects every time: the map lookups use
    // their cached hashes, and no key string is built per request.
    let byBackend = this.byRoute.get(route);
    if (!byBackend) this.byRoute.set(route, (byBackend = new Map()));
    let tally = byBackend.get(backend);
    if (!tally) {
      tally = { route, backend, byStatusClass: STATUS_CLASSES.map(() => 0), buckets: [...this.upperBounds, Infinity].map(() => 0), sum: 0, count: 0 };
      byBackend.set(backend, tally);
    }
    const statusClass = status >= 100 && status < 600 ? Math.floor(status / 100) : 0;
    tally.byStatusClass[statusClass] = (tally.byStatusClass[statusClass] ?? 0) + 1;
    const bounds = this.upperBounds;
    let bucket = 0;
    while (bucket < bounds.length && seconds > (bounds[bucket] ?? Infinity)) bucket++;
    tally.buckets[bucket] = (tally.buckets[bucket] ?? 0) + 1;
    tally.sum += seconds;
    tally.count += 1;
  }

  /** The two metrics to register, in prom-client's shape (the registry formats them as its own). */
  metrics(): Metric[] {
    const counter = {
      name: this.counterName,
      help: this.counterHelp,
      type: 'counter',
      aggregator: 'sum',
      get: async () => ({
        name: this.counterName,
        help: this.counterHelp,
        type: 'counter',
        aggregator: 'sum',
        values: this.tallies().flatMap((tally) =>
          STATUS_CLASSES.flatMap((statusClass, index): Sample[] => {
            const value = tally.byStatusClass[index] ?? 0;
            return value ? [{ labels: { route: tally.route, backend: tally.backend, status_class: statusClass }, value }] : [];
          }),
        ),
      }),
      reset: () => this.byRoute.clear(),
    };
    const histogram = {
      name: this.histogramName,
      help: this.histogramHelp,
      type: 'histogram',
      aggregator: 'sum',
      get: async () => ({
        name: this.histogramName,
        help: this.histogramHelp,
        type: 'histogram',
        aggregator: 'sum',
        values: this.tallies().flatMap((tally) => this.histogramSamples(tally)),
      }),
      reset: () => this.byRoute.clear(),
    };
    // prom-client's Registry takes any object with name, help, type, get() and reset().
    return [counter as unknown as Metric, histogram as unknown as Metric];
  }

  private tallies(): Tally[] {
    return [...this.byRoute.values()].flatMap((byBackend) => [...byBackend.values()]);
  }

  private histogramSamples(tally: Tally): Sample[] {
    const labels = { route: tally.route, backend: tally.backend };
    const samples: Sample[] = [];
    let cumulative = 0;
    tally.buckets.forEach((count, index) => {
      cumulative += count;
      const bound = this.upperBounds[index];
      samples.push({ metricName: `${this.histogramName}_bucket`, labels: { le: bound === undefined ? '+Inf' : bound, ...labels }, value: cumulative });
    });
    samples.push({ metricName: `${this.histogramName}_sum`, labels, value: tally.sum });
    samples.push({ metricName: `${this.histogramName}_count`, labels, value: tally.count });
    return samples;
  }
}
