import { type DynamicModule, type INestApplication, Module, type OnApplicationShutdown } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { checkNatsSecurity } from './connection/nats-auth.js';
import { NatsConnectionManager, type NatsConnectionSettings } from './connection/nats-connection.manager.js';
import { JetStreamServer, type JetStreamServerOptions } from './consumer/jetstream.server.js';
import { IdempotentConsumer } from './inbox/idempotent-consumer.js';
import { EventPublisher } from './publisher/event-publisher.js';

@Module({})
export class MessagingModule implements OnApplicationShutdown {
  constructor(private readonly nats: NatsConnectionManager) {}

  /**
   * The service's NATS connection, an `EventPublisher` over JetStream and, when the service has
   * a database, an `IdempotentConsumer`. Global: import once (PlatformModule does).
   */
  static forRoot(settings: NatsConnectionSettings): DynamicModule {
    if (settings.security) checkNatsSecurity(settings.security);
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: NatsConnectionManager, useFactory: () => new NatsConnectionManager(settings) },
        {
          provide: EventPublisher,
          useFactory: (nats: NatsConnectionManager) => new EventPublisher(() => nats.connected(), { timeoutMs: 5_000 }),
          inject: [NatsConnectionManager],
        },
        {
          provide: IdempotentConsumer,
          useFactory: (dataSource?: DataSource) => (dataSource ? new IdempotentConsumer(dataSource) : undefined),
          inject: [{ token: getDataSourceToken(), optional: true }],
        },
      ],
      exports: [NatsConnectionManager, EventPublisher, IdempotentConsumer],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    // Runs after Nest closed the microservices (consumers stopped, handlers finished).
    await this.nats.close();
  }
}

/**
 * Starts the service's JetStream consumers on its running Nest application: its `@EventPattern`
 * handlers receive the declared consumers' messages. `app.close()` stops them gracefully.
 */
export async function startJetStreamConsumers(app: INestApplication, options: Omit<JetStreamServerOptions, 'connection'>): Promise<JetStreamServer> {
  const server = new JetStreamServer({ connection: app.get(NatsConnectionManager), ...options });
  // Not the HTTP app's global filters and pipes: they answer HTTP requests, not events. Its own
  // filter comes with each @JetStreamEvent handler.
  app.connectMicroservice({ strategy: server }, { inheritAppConfig: false });
  await app.startAllMicroservices();
  return server;
}
