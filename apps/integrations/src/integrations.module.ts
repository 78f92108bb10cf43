import { type DynamicModule, Module } from '@nestjs/common';
import { OutboxRecord } from '@offramp/messaging';
import { DatabaseGate } from '@offramp/persistence';
import type { IntegrationsConfig } from './integrations.config.js';
import { PaymentWebhookController } from './payment-webhooks/payment-webhook.controller.js';
import { RecordPaymentEvent } from './payment-webhooks/record-payment-event.service.js';
import { RawWebhookBodies } from './raw-body/raw-webhook-bodies.js';

/** The slice maps only the outbox; the monolith's payment and order tables are addressed by name. */
export const INTEGRATIONS_ENTITIES = [OutboxRecord];

export const INTEGRATIONS_CONTROLLERS = [PaymentWebhookController];

/** Payment webhooks in, the carrier's quotes, partner webhooks out: taken over from the monolith. */
@Module({})
export class IntegrationsModule {
  static forRoot(_config: IntegrationsConfig): DynamicModule {
    return {
      module: IntegrationsModule,
      controllers: INTEGRATIONS_CONTROLLERS,
      providers: [DatabaseGate, RawWebhookBodies, RecordPaymentEvent],
    };
  }
}
