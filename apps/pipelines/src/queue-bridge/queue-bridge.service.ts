import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { LaravelEncrypter, parseAppKey } from '@offramp/legacy-bridge';
import { EventPublisher, NatsConnectionManager, QueueBridge, type QueueDriver, RetryAbortedError } from '@offramp/messaging';
import { createDataSourceOptions } from '@offramp/persistence';
import { SERVICE_CONFIG } from '@offramp/platform';
import { DataSource } from 'typeorm';
import { declareEventStreams } from '../event-streams.js';
import type { PipelinesConfig } from '../pipelines-config.type.js';
import { TAKEN_OVER_JOBS } from '../taken-over-jobs.js';
import { createQueueDriver } from './queue-driver.factory.js';

/**
 * Runs the Laravel queue bridge in this process: the monolith's Offramp queue into JetStream.
 * Starts in the background (a NATS outage delays it, the service stays up) and stops before NATS
 * is drained at shutdown; jobs it reserved but did not hand on are taken again after retry_after.
 */
@Injectable()
export class QueueBridgeService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('QueueBridge');
  private bridge?: QueueBridge;
  private dataSource?: DataSource;
  private queue?: { driver: QueueDriver; close(): void };
  private starting?: Promise<void>;
  private readonly shutdown = new AbortController();

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: PipelinesConfig,
    private readonly nats: NatsConnectionManager,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.QUEUE_BRIDGE_ENABLED) return this.logger.log('queue bridge disabled (QUEUE_BRIDGE_ENABLED=false)');
    this.starting = this.start().catch((error: Error) => {
      if (!(error instanceof RetryAbortedError)) this.logger.error(`queue bridge did not start: ${error.message}`);
    });
  }

  private async start(): Promise<void> {
    const nc = await this.nats.connected();
    await declareEventStreams(nc, this.config, this.logger, this.shutdown.signal);
    if (this.shutdown.signal.aborted) return;
    this.dataSource = new DataSource(createDataSourceOptions({ url: this.config.DATABASE_URL, poolSize: 2 }));
    await this.dataSource.initialize();
    this.queue = createQueueDriver(this.config, this.dataSource);
    this.bridge = new QueueBridge({
      driver: this.queue.driver,
      publisher: new EventPublisher(() => nc),
      jobs: TAKEN_OVER_JOBS,
      queue: this.config.QUEUE_BRIDGE_QUEUE,
      phpQueue: this.config.QUEUE_BRIDGE_PHP_QUEUE,
      encrypter: this.config.APP_KEY ? new LaravelEncrypter(parseAppKey(this.config.APP_KEY)) : undefined,
      batchSize: this.config.QUEUE_BRIDGE_BATCH_SIZE,
    });
    this.bridge.start();
    this.logger.log(
      `draining queue ${this.config.QUEUE_BRIDGE_QUEUE} (${this.config.QUEUE_BRIDGE_DRIVER}) into JetStream: ${TAKEN_OVER_JOBS.map((j) => j.phpClass).join(', ')}`,
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.shutdown.abort();
    await this.starting;
    await this.bridge?.stop();
    await this.dataSource?.destroy();
    this.queue?.close();
  }
}
