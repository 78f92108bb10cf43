import { type DynamicModule, Module } from '@nestjs/common';
import { OutboxRecord } from '@offramp/messaging';
import { DatabaseGate } from '@offramp/persistence';
import type { IntegrationsConfig } from './integrations.config.js';
import { PaymentWebhookController } from './payment-webhooks/payment-webhook.controller.js';
import { RecordPaymentEvent } from './payment-webhooks/record-payment-event.service.js';
import { RawWebhookBodies } from './raw-body/raw-webhook-bodies.js';
import { CarrierClient } from './shipping-quote/carrier-client.js';
import { ShippingQuoteController } from './shipping-quote/shipping-quote.controller.js';
import { ShippingQuotes } from './shipping-quote/shipping-quote.service.js';

/** The slice maps only the outbox; the monolith's payment and order tables are addressed by name. */
export const INTEGRATIONS_ENTITIES = [OutboxRecord];

export const INTEGRATIONS_CONTROLLERS = [PaymentWebhookController, ShippingQuoteController];

/** Payment webhooks in, the carrier's quotes, partner webhooks out: taken over from the monolith. */
@Module({})
export class IntegrationsModule {
  static forRoot(_config: IntegrationsConfig): DynamicModule {
    return {
      module: IntegrationsModule,
      controllers: INTEGRATIONS_CONTROLLERS,
      providers: [DatabaseGate, RawWebhookBodies, RecordPaymentEvent, CarrierClient, ShippingQuotes],
    };
  }
}
