import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The relay's numbers in the service's /metrics: throughput, lag and commit-to-publish latency. */
export class RelayMetrics {
  readonly published: Counter;
  readonly failures: Counter;
  readonly lag: Gauge;
  readonly rowsPerSecond: Gauge;
  readonly latency: Histogram;
  private readonly window: Array<{ at: number; rows: number }> = [];

  constructor(registry?: Registry) {
    const registers = registry ? [registry] : [];
    this.published = new Counter({ name: 'offramp_outbox_relay_published_total', help: 'Outbox rows published to JetStream and marked sent', registers });
    this.failures = new Counter({ name: 'offramp_outbox_relay_failures_total', help: 'Outbox rows whose publish failed (retried later)', registers });
    this.lag = new Gauge({ name: 'offramp_outbox_relay_lag_seconds', help: 'Age of the oldest unpublished outbox row (0 when none waits)', registers });
    this.rowsPerSecond = new Gauge({ name: 'offramp_outbox_relay_rows_per_second', help: 'Rows published per second over the last 10 s', registers });
    this.latency = new Histogram({
      name: 'offramp_outbox_relay_commit_to_publish_seconds',
      help: "From the row's occurred_at to JetStream's ack",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
  }

  recordBatch(rows: number, now = Date.now()): void {
    if (rows > 0) this.published.inc(rows);
    this.window.push({ at: now, rows });
    while (this.window.length && this.window[0].at < now - 10_000) this.window.shift();
    const total = this.window.reduce((sum, entry) => sum + entry.rows, 0);
    this.rowsPerSecond.set(total / 10);
  }
}
