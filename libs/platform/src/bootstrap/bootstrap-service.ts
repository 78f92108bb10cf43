import cluster from 'node:cluster';
import type { IncomingMessage } from 'node:http';
import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { Logger } from 'nestjs-pino';
import type { z } from 'zod';
import { ConfigError } from '../config/config-error.js';
import { checkProductionDefaults, productionWarnings, withProductionDefaults } from '../config/production-defaults.js';
import { loadConfig, serviceConfigSchema, type ServiceConfig } from '../config/service-config.js';
import { ShutdownState } from '../health/shutdown-state.js';
import { REQUEST_ID_HEADER, requestIdFor, runWithRequestId } from '../logging/request-context.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { endHttpServerSpan, startHttpServerSpan, withHttpServerSpan, type HttpServerSpan } from '../tracing/http-server-span.js';
import { startTracing } from '../tracing/tracing.js';
import { PlatformModule, type PlatformOptions } from './platform.module.js';
import { superviseWorkers } from './service-workers.js';

export interface ServiceDefinition<Extra extends z.ZodRawShape = Record<never, never>> {
  /** Used in logs, metrics and the NATS connection name. */
  name: string;
  defaultPort: number;
  /** The service's own variables, validated with the shared ones. */
  config?: Extra;
  /** The service's feature modules, given the validated config. */
  imports?: (config: ServiceConfig & z.infer<z.ZodObject<Extra>>) => NonNullable<ModuleMetadata['imports']>;
  entities?: PlatformOptions['entities'];
  migrations?: PlatformOptions['migrations'];
  /**
   * Values for variables the environment leaves unset under `OFFRAMP_ENV=production` (on top of
   * the platform's own, e.g. `IDENTITY_TOKEN_ALG=EdDSA`), applied before validation.
   */
  productionDefaults?: Readonly<Partial<Record<keyof Extra | keyof ServiceConfig, string>>>;
  /**
   * How many processes of the service run on this host, sharing its port (node:cluster: the
   * primary hands each connection to a worker and answers nothing itself), from the service's own
   * variable (the api's API_WORKERS); one by default. Each worker is the whole service; /metrics
   * sums them all.
   */
  workers?: (config: ServiceConfig & z.infer<z.ZodObject<Extra>>) => number;
  /**
   * Where Nest's own HTTP server (health, metrics, the service's controllers) listens; PORT and
   * HOST by default. The gateway puts it on its admin listener: its public port is the proxy's.
   */
  listen?: (config: ServiceConfig & z.infer<z.ZodObject<Extra>>) => { port: number; host: string };
}

export interface RunningService {
  app: NestFastifyApplication;
  url: string;
  shutdown(reason: string): Promise<void>;
}

@Module({})
class ServiceRootModule {}

/**
 * The one way every Offramp service starts (eShop's ServiceDefaults): validated config, pino logs
 * with request ids, problem+json errors, metrics, health, and a bounded graceful shutdown on
 * SIGTERM/SIGINT. A configuration mistake ends the process with one line naming the variable.
 */
export async function bootstrapService<Extra extends z.ZodRawShape>(definition: ServiceDefinition<Extra>): Promise<RunningService> {
  let service: RunningService;
  try {
    // The whole configuration is checked before any worker starts: one message naming the variable, not one per worker.
    const workers = definition.workers?.(serviceConfigFromEnv(definition)) ?? 1;
    if (workers > 1 && cluster.isPrimary) process.exit(await superviseWorkers({ name: definition.name, workers, aggregateMetrics: true }));
    service = await createService(definition);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${definition.name}: configuration error: ${error.message}\n`);
    process.exit(78); // EX_CONFIG: a supervisor should not restart in a loop on a config mistake.
  }
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void service.shutdown(signal).then(() => process.exit(0)));
  }
  return service;
}

/**
 * The service's validated configuration as it would start with `env` (production defaults
 * applied); a ConfigError naming the variable otherwise. `offramp doctor` reads the gateway's so.
 */
export function serviceConfigFromEnv<Extra extends z.ZodRawShape>(
  definition: Pick<ServiceDefinition<Extra>, 'name' | 'defaultPort' | 'config' | 'productionDefaults'>,
  env: NodeJS.ProcessEnv = process.env,
): ServiceConfig & z.infer<z.ZodObject<Extra>> {
  const schema = serviceConfigSchema({ port: definition.defaultPort, service: definition.name }).extend(definition.config ?? ({} as Extra));
  const productionDefaults = definition.productionDefaults as Record<string, string> | undefined;
  checkProductionDefaults(schema, productionDefaults);
  return loadConfig(schema, withProductionDefaults(env, productionDefaults)) as ServiceConfig & z.infer<z.ZodObject<Extra>>;
}

/** Builds and starts the service without touching process signals (tests use it in-process). */
export async function createService<Extra extends z.ZodRawShape>(
  definition: ServiceDefinition<Extra>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunningService> {
  const config = serviceConfigFromEnv(definition, env);
  // Before the modules are built: what they start (consumers, the relay) may already make spans.
  const tracing = await startTracing(config);
  const root: DynamicModule = {
    module: ServiceRootModule,
    imports: [
      PlatformModule.forRoot({ service: definition.name, config, entities: definition.entities, migrations: definition.migrations }),
      // Feature modules may check their own settings (keys, URLs) and throw a ConfigError.
      ...(definition.imports?.(config) ?? []),
    ],
  };
  const adapter = new FastifyAdapter({
    genReqId: (req: IncomingMessage) => {
      const id = requestIdFor(req);
      (req as { id?: string }).id = id;
      return id;
    },
    trustProxy: true,
    forceCloseConnections: 'idle',
    // A request that arrives on an open connection while the server closes is answered as any
    // other (with Connection: close, and a request id), not with Fastify's bare 503 JSON: the
    // modules it needs close only after the HTTP server has.
    return503OnClosing: false,
  });
  let app: NestFastifyApplication;
  try {
    app = await NestFactory.create<NestFastifyApplication>(root, adapter, { bufferLogs: true, abortOnError: false });
  } catch (error) {
    await tracing.shutdown();
    throw error;
  }
  app.useLogger(app.get(Logger));
  app.flushLogs();
  const shutdownState = app.get(ShutdownState);
  instrument(app.getHttpAdapter().getInstance(), app.get(MetricsService), shutdownState);

  const logger = app.get(Logger);
  tracing.reportTo((message) => logger.warn(message, 'Tracing'));
  for (const warning of productionWarnings(config)) logger.warn(warning, 'Config');
  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string) =>
    (stopping ??= (async () => {
      logger.log(`${reason}: shutting down (at most ${config.SHUTDOWN_TIMEOUT_MS} ms)`, 'Lifecycle');
      shutdownState.begin();
      const deadline = setTimeout(() => {
        logger.error(`shutdown did not finish within ${config.SHUTDOWN_TIMEOUT_MS} ms; exiting`, undefined, 'Lifecycle');
        process.exit(1);
      }, config.SHUTDOWN_TIMEOUT_MS);
      deadline.unref();
      // Stops accepting, lets in-flight requests finish, then drains NATS and closes the database.
      await app.close();
      // The spans of the last requests and messages leave before the process does.
      await tracing.shutdown(Math.floor(config.SHUTDOWN_TIMEOUT_MS / 4));
      clearTimeout(deadline);
      logger.log('stopped', 'Lifecycle');
    })());

  const address = definition.listen?.(config) ?? { port: config.PORT, host: config.HOST };
  await app.listen(address);
  const url = `http://${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
  logger.log(`${definition.name} listening on ${url}`, 'Lifecycle');
  return { app, url, shutdown };
}

const SERVER_SPAN = Symbol('offramp.serverSpan');
type TracedRequest = { [SERVER_SPAN]?: HttpServerSpan };

function instrument(fastify: FastifyInstance, metrics: MetricsService, shutdownState: ShutdownState): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    // A server span continuing the caller's traceparent (the gateway's); none while tracing is off.
    const server = startHttpServerSpan(request.headers, request.method);
    if (!server) return runWithRequestId(request.id, done);
    (request as TracedRequest)[SERVER_SPAN] = server;
    withHttpServerSpan(server, () => runWithRequestId(request.id, done));
  });
  // A keep-alive connection that carried a request in flight at shutdown would otherwise hold the
  // server open until its idle timeout; ask the client to reconnect (to another replica) instead.
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (shutdownState.isShuttingDown) void reply.header('connection', 'close');
    done(null, payload);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.observeHttp(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1_000);
    const server = (request as TracedRequest)[SERVER_SPAN];
    if (server) endHttpServerSpan(server, reply.statusCode, request.routeOptions.url);
    done();
  });
}
