import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { EventPublisher, NatsConnectionManager, OutboxRelay, RetryAbortedError } from '@offramp/messaging';
import { createDataSourceOptions } from '@offramp/persistence';
import { MetricsService, SERVICE_CONFIG } from '@offramp/platform';
import { DataSource } from 'typeorm';

import { declareEventStreams } from '../event-streams.js';
import type { PipelinesConfig } from '../pipelines-config.type.js';

/**
 * Runs the outbox relay in this process: declares the events streams, then publishes the
 * monolith's outbox rows. Starts in the background so a NATS outage delays it without stopping
 * the service (readiness shows it); stops before NATS is drained at shutdown.
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private relay?: OutboxRelay;
  private dataSource?: DataSource;
  private starting?: Promise<void>;
  /** Aborted at shutdown: ends the stream declaration retries, also in the middle of a wait. */
  private readonly shutdown = new AbortController();

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: PipelinesConfig,
    private readonly nats: NatsConnectionManager,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.OUTBOX_RELAY_ENABLED) return this.logger.log('outbox relay disabled (OUTBOX_RELAY_ENABLED=false)');
    this.starting = this.start().catch((error: Error) => {
      if (!(error instanceof RetryAbortedError)) this.logger.error(`outbox relay did not start: ${error.message}`);
    });
  }

  private async start(): Promise<void> {
    const nc = await this.nats.connected();
    await declareEventStreams(nc, this.config, this.logger, this.shutdown.signal);
    if (this.shutdown.signal.aborted) return;
    // Its own connection(s): the relay's transactions never mix with the service's other work.
    this.dataSource = new DataSource(createDataSourceOptions({ url: this.config.DATABASE_URL, poolSize: 2 }));
    await this.dataSource.initialize();
    this.relay = new OutboxRelay({
      dataSource: this.dataSource,
      publisher: new EventPublisher(() => nc),
      table: this.config.OUTBOX_TABLE,
      batchSize: this.config.OUTBOX_RELAY_BATCH_SIZE,
      idlePollMs: [5, this.config.OUTBOX_RELAY_IDLE_POLL_MAX_MS],
      leaseTtlMs: this.config.OUTBOX_RELAY_LEASE_TTL_MS,
      registry: this.metrics.registry,
    });
    this.relay.start();
    this.logger.log(`relaying ${this.config.OUTBOX_TABLE} to JetStream`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.shutdown.abort();
    await this.starting;
    await this.relay?.stop();
    await this.dataSource?.destroy();
  }
}
