import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { MessagingModule } from '@offramp/messaging';
import { PersistenceModule, sliceMigrationsTable, type DataSourceSettings } from '@offramp/persistence';
import type { ServiceConfig } from '../config/service-config.js';
import { SERVICE_CONFIG } from '../config/service-config.token.js';
import { ProblemDetailsFilter } from '../errors/problem-details.filter.js';
import { createValidationPipe } from '../errors/validation.js';
import { ConfigError } from '../config/config-error.js';
import { HealthController } from '../health/health.controller.js';
import { IDENTITY_PROBE_VERIFIER, IdentityProbeController } from '../health/identity-probe.controller.js';
import { identityAudienceFromConfig, identityKeysFromConfig } from '../identity/identity-keys.js';
import { IdentityTokenVerifier } from '../identity/identity-token.js';
import { ShutdownState } from '../health/shutdown-state.js';
import { MIGRATIONS_SLICE, MigrationsGate } from '../migrations/migrations-gate.js';
import { loggerOptions } from '../logging/logger-options.js';
import { MetricsController } from '../metrics/metrics.controller.js';
import { MetricsService } from '../metrics/metrics.service.js';

export interface PlatformOptions {
  service: string;
  config: ServiceConfig;
  entities?: DataSourceSettings['entities'];
  migrations?: DataSourceSettings['migrations'];
}

/** What every service has: logs, config, database, NATS, health, metrics and error shape. */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const { service, config } = options;
    return {
      module: PlatformModule,
      global: true,
      imports: [
        LoggerModule.forRoot(loggerOptions(service, config)),
        TerminusModule.forRoot({ errorLogStyle: 'json', logger: false }),
        PersistenceModule.forRoot({
          url: config.DATABASE_URL,
          entities: options.entities,
          migrations: options.migrations,
          migrationsTableName: sliceMigrationsTable(service),
        }),
        MessagingModule.forRoot({
          url: config.NATS_URL,
          name: service,
          // docker/nats/offramp.conf lets each service subscribe to its own inboxes only.
          inboxPrefix: `_INBOX_${service}`,
          drainTimeoutMs: Math.floor(config.SHUTDOWN_TIMEOUT_MS / 2),
          security: {
            credsFile: config.NATS_CREDS_FILE,
            nkeySeedFile: config.NATS_NKEY_SEED_FILE,
            tls: { caFile: config.NATS_TLS_CA_FILE, certFile: config.NATS_TLS_CERT_FILE, keyFile: config.NATS_TLS_KEY_FILE },
          },
        }),
      ],
      controllers: [HealthController, IdentityProbeController, MetricsController],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: MetricsService, useValue: new MetricsService(service) },
        ShutdownState,
        { provide: MIGRATIONS_SLICE, useValue: service },
        { provide: IDENTITY_PROBE_VERIFIER, useFactory: () => probeVerifier(config) },
        MigrationsGate,
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
      exports: [SERVICE_CONFIG, MetricsService, ShutdownState, PersistenceModule, MessagingModule],
    };
  }
}

/** The service's own verifier for the identity probe; none when it was given no verification key. */
function probeVerifier(config: ServiceConfig): IdentityTokenVerifier | null {
  try {
    return new IdentityTokenVerifier(identityKeysFromConfig(config, 'verify'), identityAudienceFromConfig(config));
  } catch (error) {
    if (error instanceof ConfigError) return null;
    throw error;
  }
}
