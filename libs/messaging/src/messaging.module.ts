import { type DynamicModule, Module, type OnApplicationShutdown } from '@nestjs/common';
import { NatsConnectionManager, type NatsConnectionSettings } from './connection/nats-connection.manager.js';

@Module({})
export class MessagingModule implements OnApplicationShutdown {
  constructor(private readonly nats: NatsConnectionManager) {}

  static forRoot(settings: NatsConnectionSettings): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [{ provide: NatsConnectionManager, useFactory: () => new NatsConnectionManager(settings) }],
      exports: [NatsConnectionManager],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.nats.close();
  }
}
