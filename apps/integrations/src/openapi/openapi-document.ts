import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { SERVICE_CONFIG } from '@offramp/platform';
import { PaymentWebhookController } from '../payment-webhooks/payment-webhook.controller.js';
import { RecordPaymentEvent } from '../payment-webhooks/record-payment-event.service.js';
import { PartnerRegistry } from '../partner-webhooks/partner-registry.service.js';
import { PartnersController } from '../partner-webhooks/partners.controller.js';
import { ShippingQuoteController } from '../shipping-quote/shipping-quote.controller.js';
import { ShippingQuotes } from '../shipping-quote/shipping-quote.service.js';
import { INTEGRATIONS_VERSION } from './integrations-version.js';

/** The HTTP controllers (not the event handler) with inert stand-ins: only the decorators are read. */
@Module({
  controllers: [PaymentWebhookController, ShippingQuoteController, PartnersController],
  providers: [
    ...[RecordPaymentEvent, ShippingQuotes, PartnerRegistry].map((provide) => ({ provide, useValue: {} })),
    { provide: SERVICE_CONFIG, useValue: {} },
  ],
})
class IntegrationsContractModule {}

/** The integrations slice's OpenAPI 3 document, from its decorators. */
export async function buildIntegrationsOpenApiDocument(): Promise<OpenAPIObject> {
  const app = await NestFactory.create<NestFastifyApplication>(IntegrationsContractModule, new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  const config = new DocumentBuilder()
    .setTitle('Offramp integrations')
    .setDescription(
      "Payment webhooks and the carrier's shipping quote, taken over from the monolith (its statuses and JSON, byte for byte), and the partner webhooks admin API (bearer INTEGRATIONS_ADMIN_TOKEN).",
    )
    .setVersion(INTEGRATIONS_VERSION)
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config, { operationIdFactory: (_controller, method) => method });
  await app.close();
  return document;
}
