import { type DynamicModule, Module } from '@nestjs/common';
import { OutboxRecord } from '@offramp/messaging';
import { OutboundAddressGuard } from '@offramp/platform';
import { DatabaseGate } from '@offramp/persistence';
import type { IntegrationsConfig } from './integrations.config.js';
import { PaymentWebhookController } from './payment-webhooks/payment-webhook.controller.js';
import { RecordPaymentEvent } from './payment-webhooks/record-payment-event.service.js';
import { RawWebhookBodies } from './raw-body/raw-webhook-bodies.js';
import { OrderEventsHandler } from './partner-webhooks/order-events.handler.js';
import { IntegrationsAdminGuard } from './partner-webhooks/integrations-admin.guard.js';
import { PartnerDispatcher } from './partner-webhooks/partner-dispatcher.service.js';
import { OUTBOUND_GUARD, PartnerRegistry } from './partner-webhooks/partner-registry.service.js';
import { PARTNER_ENTITIES } from './partner-webhooks/partner-tables.js';
import { PartnersController } from './partner-webhooks/partners.controller.js';
import { CarrierClient } from './shipping-quote/carrier-client.js';
import { ShippingQuoteController } from './shipping-quote/shipping-quote.controller.js';
import { ShippingQuotes } from './shipping-quote/shipping-quote.service.js';

/** The outbox and the slice's own partner tables; the monolith's payment and order tables are addressed by name. */
export const INTEGRATIONS_ENTITIES = [OutboxRecord, ...PARTNER_ENTITIES];

export const INTEGRATIONS_CONTROLLERS = [PaymentWebhookController, ShippingQuoteController, PartnersController, OrderEventsHandler];

/** Payment webhooks in, the carrier's quotes, partner webhooks out: taken over from the monolith. */
@Module({})
export class IntegrationsModule {
  static forRoot(config: IntegrationsConfig): DynamicModule {
    return {
      module: IntegrationsModule,
      controllers: INTEGRATIONS_CONTROLLERS,
      providers: [
        DatabaseGate,
        RawWebhookBodies,
        RecordPaymentEvent,
        CarrierClient,
        ShippingQuotes,
        PartnerRegistry,
        PartnerDispatcher,
        IntegrationsAdminGuard,
        { provide: OUTBOUND_GUARD, useValue: new OutboundAddressGuard(config.PARTNER_ALLOWED_CIDRS) },
      ],
    };
  }
}
