import { type InjectionToken, Module, type Provider, type Type } from '@nestjs/common';
import { GUARDS_METADATA, PARAMTYPES_METADATA, SELF_DECLARED_DEPS_METADATA } from '@nestjs/common/constants.js';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AdminController } from '../admin/admin.controller.js';
import { IntegrationsRelayController } from '../admin/integrations-relay.controller.js';
import { JobsRelayController } from '../admin/jobs-relay.controller.js';
import { LiveEventsController } from '../admin/live-events.controller.js';
import { MetricsHistoryController } from '../admin/metrics-history.controller.js';
import { ADMIN_API_VERSION } from './admin-api-version.js';

/** The admin listener's API (the dashboard's files are no part of it). */
const ADMIN_CONTROLLERS = [AdminController, MetricsHistoryController, LiveEventsController, JobsRelayController, IntegrationsRelayController];

/**
 * The admin controllers with an inert stand-in for everything they and their guards inject, in preview
 * mode: nothing runs, no port is opened, no NATS is touched; only the decorators are read. The
 * stand-ins are read from the constructors, so rewiring the gateway's providers needs no change here.
 */
@Module({ controllers: ADMIN_CONTROLLERS, providers: inertDependencies(...ADMIN_CONTROLLERS) })
class AdminContractModule {}

/** The gateway admin API's OpenAPI 3 document (the admin listener's API), from its decorators. */
export async function buildAdminOpenApiDocument(): Promise<OpenAPIObject> {
  const app = await NestFactory.create<NestFastifyApplication>(AdminContractModule, new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  const config = new DocumentBuilder()
    .setTitle('Offramp gateway admin API')
    .setDescription(
      "The migration's control surface on the gateway's admin listener (GATEWAY_ADMIN_PORT, never the public one): the route table, promotion and rollback, route imports, the audit log, the shadow evidence, per-minute traffic history and a live event stream. Every call needs `Authorization: Bearer <GATEWAY_ADMIN_TOKEN>`.",
    )
    .setVersion(ADMIN_API_VERSION)
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config);
  await app.close();
  return document;
}

/** `{ provide, useValue: {} }` for each constructor parameter of the controllers and of their guards. */
function inertDependencies(...controllers: Type[]): Provider[] {
  const methods = controllers.flatMap((controller) => Object.getOwnPropertyNames(controller.prototype).map((name) => controller.prototype[name] as object));
  const guards = [...controllers, ...methods].flatMap((target) => (Reflect.getMetadata(GUARDS_METADATA, target) ?? []) as Type[]);
  const tokens = new Set<InjectionToken>();
  for (const type of [...controllers, ...guards]) {
    const declared: InjectionToken[] = [...((Reflect.getMetadata(PARAMTYPES_METADATA, type) ?? []) as InjectionToken[])];
    for (const { index, param } of (Reflect.getMetadata(SELF_DECLARED_DEPS_METADATA, type) ?? []) as { index: number; param: InjectionToken }[])
      declared[index] = param;
    for (const token of declared) tokens.add(token);
  }
  return [...tokens].map((provide) => ({ provide, useValue: {} }));
}
