import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { NatsConnectionManager } from '@offramp/messaging';
import { MigrationsGate } from '../migrations/migrations-gate.js';
import { ShutdownState } from './shutdown-state.js';

const CHECK_TIMEOUT_MS = 1_500;

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly nats: NatsConnectionManager,
    private readonly shutdown: ShutdownState,
    private readonly migrations: MigrationsGate,
  ) {}

  /** The process is alive: the event loop answers. Never depends on NATS or the database. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** The service can do its work: NATS and the database answer, and its migrations have run. 503 otherwise. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.accepting(),
      () => this.natsReachable(),
      () => this.database.pingCheck('database', { timeout: CHECK_TIMEOUT_MS }),
      () => this.migrated(),
    ]);
  }

  private async migrated() {
    const session = this.indicators.check('migrations');
    try {
      if ((await this.migrations.pending()).length === 0) return session.up();
      return session.down({ message: this.migrations.message() });
    } catch (error) {
      return session.down({ message: `cannot read the migrations table: ${(error as Error).message}` });
    }
  }

  private accepting() {
    const session = this.indicators.check('lifecycle');
    return this.shutdown.isShuttingDown ? session.down({ message: 'shutting down' }) : session.up();
  }

  private async natsReachable() {
    const session = this.indicators.check('nats');
    const state = this.nats.currentState;
    if (await this.nats.ping(CHECK_TIMEOUT_MS)) return session.up({ state });
    return session.down({ state });
  }
}
