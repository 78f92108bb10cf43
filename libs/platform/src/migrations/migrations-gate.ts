import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { pendingMigrations, runMigrationsLocked } from '@offramp/persistence';
import type { DataSource } from 'typeorm';
import type { ServiceConfig } from '../config/service-config.js';
import { SERVICE_CONFIG } from '../config/service-config.token.js';

export const MIGRATIONS_SLICE = Symbol('MIGRATIONS_SLICE');

/** The Job of docker/k8s that runs a slice's migrations (docker/k8s/base/<slice>/migrate-job.yaml). */
export const migrateJobName = (slice: string) => `${slice}-migrate`;

/**
 * The slice's tables before it serves: in `run` mode the service migrates at start-up (a failure
 * stops the start); in `verify` mode (production, no DDL rights) it only checks, and readiness stays
 * down, naming the migrate Job, until every migration has run (checked again on each probe).
 */
@Injectable()
export class MigrationsGate implements OnModuleInit {
  private readonly logger = new Logger('Migrations');
  private missing: string[] = [];
  private checked = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(MIGRATIONS_SLICE) private readonly slice: string,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.dataSource.migrations.length === 0) return;
    if (this.config.DATABASE_MIGRATIONS === 'run') {
      const ran = await runMigrationsLocked(this.dataSource);
      if (ran.length > 0) this.logger.log(`ran ${ran.length} migration(s): ${ran.join(', ')}`);
      return;
    }
    await this.pending();
    if (this.missing.length > 0) this.logger.error(this.message());
  }

  /** The migrations not run yet ([] once all have: not asked again). */
  async pending(): Promise<string[]> {
    if (this.dataSource.migrations.length === 0) return [];
    if (this.missing.length === 0 && this.checked) return [];
    this.missing = await pendingMigrations(this.dataSource);
    this.checked = true;
    return this.missing;
  }

  message(): string {
    return `${this.missing.length} migration(s) of ${this.slice} have not run (${this.missing.join(', ')}); DATABASE_MIGRATIONS=verify: run the ${migrateJobName(this.slice)} Job (node dist/migrate.js)`;
  }
}
