import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { ClusterMetrics, sharesClusterMetrics } from './cluster-metrics.js';

/** One Prometheus registry per service, with Node's default metrics and HTTP timings. */
export class MetricsService {
  readonly registry = new Registry();
  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
  private readonly cluster = sharesClusterMetrics() ? new ClusterMetrics(this.registry) : undefined;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    this.httpRequestDuration = new Histogram({
      name: 'http_server_request_duration_seconds',
      help: 'HTTP request duration by route template and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
  }

  /** The text a scrape answers: this process's metrics, or with workers sharing a port every worker's summed. */
  scrape(): Promise<string> {
    return this.cluster?.scrape() ?? this.registry.metrics();
  }

  /** `route` is the template (`/api/products/:id`), never the raw URL, to keep label cardinality bounded. */
  observeHttp(method: string, route: string | undefined, statusCode: number, seconds: number): void {
    this.httpRequestDuration.observe({ method, route: route ?? 'unmatched', status_code: String(statusCode) }, seconds);
  }
}
