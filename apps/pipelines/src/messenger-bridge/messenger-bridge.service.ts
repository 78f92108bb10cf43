import { jetstream } from '@nats-io/jetstream';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { EventPublisher, MessengerBridge, MessengerMessagesTable, NatsConnectionManager, RetryAbortedError } from '@offramp/messaging';
import { createDataSourceOptions } from '@offramp/persistence';
import { SERVICE_CONFIG } from '@offramp/platform';
import { DataSource } from 'typeorm';
import { declareEventStreams } from '../event-streams.js';
import type { PipelinesConfig } from '../pipelines-config.type.js';
import { TAKEN_OVER_MESSAGES } from './taken-over-messages.js';

/**
 * Runs the Symfony Messenger bridge in this process: the app's offramp transport into JetStream.
 * Starts in the background (a NATS outage delays it, the service stays up) and stops before NATS
 * is drained at shutdown; rows it claimed but did not hand on are taken again after redeliver_timeout.
 */
@Injectable()
export class MessengerBridgeService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('MessengerBridge');
  private bridge?: MessengerBridge;
  private dataSource?: DataSource;
  private starting?: Promise<void>;
  private readonly shutdown = new AbortController();

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: PipelinesConfig,
    private readonly nats: NatsConnectionManager,
  ) {}

  onApplicationBootstrap(): void {
    this.starting = this.start().catch((error: Error) => {
      if (!(error instanceof RetryAbortedError)) this.logger.error(`Messenger bridge did not start: ${error.message}`);
    });
  }

  private async start(): Promise<void> {
    const nc = await this.nats.connected();
    await declareEventStreams(nc, this.config, this.logger, this.shutdown.signal);
    if (this.shutdown.signal.aborted) return;
    this.dataSource = new DataSource(createDataSourceOptions({ url: this.config.DATABASE_URL, poolSize: 2 }));
    await this.dataSource.initialize();
    this.bridge = new MessengerBridge({
      table: new MessengerMessagesTable(this.dataSource, this.config.MESSENGER_TABLE),
      publisher: new EventPublisher(() => nc),
      js: jetstream(nc),
      messages: TAKEN_OVER_MESSAGES,
      queue: this.config.MESSENGER_BRIDGE_QUEUE,
      transport: this.config.MESSENGER_BRIDGE_TRANSPORT,
      phpQueue: this.config.MESSENGER_BRIDGE_PHP_QUEUE,
      redeliverTimeoutSeconds: this.config.MESSENGER_REDELIVER_TIMEOUT_SECONDS,
      batchSize: this.config.MESSENGER_BRIDGE_BATCH_SIZE,
    });
    this.bridge.start();
    this.logger.log(`draining Messenger queue ${this.config.MESSENGER_BRIDGE_QUEUE} into JetStream: ${TAKEN_OVER_MESSAGES.map((m) => m.phpClass).join(', ')}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.shutdown.abort();
    await this.starting;
    await this.bridge?.stop();
    await this.dataSource?.destroy();
  }
}
