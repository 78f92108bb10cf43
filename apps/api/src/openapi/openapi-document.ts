import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ThrottlerModule } from '@nestjs/throttler';
import { IdentityTokenVerifier } from '@offramp/platform';
import { API_CONTROLLERS } from '../api.module.js';
import { ProductSearch } from '../catalog/product-search.js';
import { PlaceOrder } from '../orders/place-order.service.js';
import { API_VERSION } from './api-version.js';

/**
 * The controllers with inert stand-ins for what they need, in preview mode: nothing runs, no
 * port is opened, no database or NATS is touched; only the decorators are read.
 */
@Module({
  imports: [ThrottlerModule.forRoot({ throttlers: [] })],
  controllers: API_CONTROLLERS,
  providers: [ProductSearch, PlaceOrder, IdentityTokenVerifier].map((provide) => ({ provide, useValue: {} })),
})
class ApiContractModule {}

/** The api's OpenAPI 3 document, from its decorators. */
export async function buildApiOpenApiDocument(): Promise<OpenAPIObject> {
  const app = await NestFactory.create<NestFastifyApplication>(ApiContractModule, new FastifyAdapter(), { preview: true, logger: false, abortOnError: false });
  const config = new DocumentBuilder()
    .setTitle('Offramp api')
    .setDescription('Catalog and orders, taken over from the monolith: the same JSON, status codes and error shapes as its Laravel routes.')
    .setVersion(API_VERSION)
    .build();
  const document = SwaggerModule.createDocument(app, config, { operationIdFactory: (_controller, method) => method });
  await app.close();
  return document;
}
