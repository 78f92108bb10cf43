import { Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { IdempotentConsumer, MessengerMessageRunner, MessengerMessagesTable } from '@offramp/messaging';
import { SERVICE_CONFIG } from '@offramp/platform';
import type { DataSource } from 'typeorm';
import type { PipelinesConfig } from '../pipelines-config.type.js';
import { MessengerBridgeService } from './messenger-bridge.service.js';
import { SendWelcomeEmailHandler } from './send-welcome-email.handler.js';
import { TAKEN_OVER_MESSAGES } from './taken-over-messages.js';

/** The Symfony Messenger bridge and the handlers of the messages it takes over (MESSENGER_BRIDGE_ENABLED). */
@Module({
  controllers: [SendWelcomeEmailHandler],
  providers: [
    MessengerBridgeService,
    {
      provide: MessengerMessageRunner,
      useFactory: (dataSource: DataSource, inbox: IdempotentConsumer, config: PipelinesConfig) =>
        new MessengerMessageRunner({
          table: new MessengerMessagesTable(dataSource, config.MESSENGER_TABLE),
          inbox,
          failedQueue: config.MESSENGER_FAILED_QUEUE,
          allowedClasses: TAKEN_OVER_MESSAGES.flatMap((m) => m.allowedClasses ?? []),
          retry: {
            maxRetries: config.MESSENGER_MAX_RETRIES,
            delayMs: config.MESSENGER_RETRY_DELAY_MS,
            multiplier: config.MESSENGER_RETRY_MULTIPLIER,
            maxDelayMs: config.MESSENGER_RETRY_MAX_DELAY_MS,
          },
        }),
      inject: [getDataSourceToken(), IdempotentConsumer, SERVICE_CONFIG],
    },
  ],
})
export class MessengerBridgeModule {}
