import { Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { linearBackoff, RetryAbortedError, retryWithBackoff } from '@offramp/messaging';
import type { MetricsHistory } from './metrics-history.js';

/**
 * Opens the per-minute history bucket once NATS answers (retried like the route table, until the
 * gateway stops), and writes the last counts at shutdown. Until it is open, minutes are counted in
 * memory and written on the first flush after; the proxy never waits for it.
 */
export class MetricsHistoryConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Gateway');
  private readonly stopping = new AbortController();
  private opening?: Promise<void>;

  constructor(
    private readonly nats: { connected(): Promise<NatsConnection> },
    private readonly history: MetricsHistory,
    private readonly bucket: string,
  ) {}

  onModuleInit(): void {
    this.opening = retryWithBackoff(async () => this.history.open(await this.nats.connected()), {
      backoff: linearBackoff({ stepMs: 250, maxMs: 5_000 }),
      signal: this.stopping.signal,
      onRetry: (error, failures) => this.logger.warn(`metrics history ${this.bucket} not open yet (attempt ${failures}): ${(error as Error).message}`),
    }).catch((error: unknown) => {
      if (!(error instanceof RetryAbortedError)) this.logger.error(`metrics history ${this.bucket}: ${(error as Error).message}`);
    });
  }

  /** Resolves once the bucket is open, or once stopped before that. */
  settled(): Promise<void> {
    return this.opening ?? Promise.resolve();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    this.history.close();
    await this.history.flush().catch(() => undefined);
  }
}
