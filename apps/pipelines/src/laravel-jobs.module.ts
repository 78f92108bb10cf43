import { Global, Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { LaravelJobRunner } from '@offramp/messaging';
import { SERVICE_CONFIG } from '@offramp/platform';
import type { DataSource } from 'typeorm';
import type { PipelinesConfig } from './pipelines-config.type.js';
import { RecalculateProductPopularityModule } from './recalculate-product-popularity/recalculate-product-popularity.module.js';
import { SendOrderConfirmationModule } from './send-order-confirmation/send-order-confirmation.module.js';

/** The worker semantics every taken-over job shares (tries, backoff, failed_jobs); the inbox handlers record in is a migration (PIPELINES_MIGRATIONS). */
@Global()
@Module({
  providers: [
    {
      provide: LaravelJobRunner,
      useFactory: (dataSource: DataSource, config: PipelinesConfig) => new LaravelJobRunner({ dataSource, defaultTries: config.QUEUE_JOBS_DEFAULT_TRIES }),
      inject: [getDataSourceToken(), SERVICE_CONFIG],
    },
  ],
  exports: [LaravelJobRunner],
})
class LaravelJobRunnerModule {}

/** The handlers of the Laravel jobs taken over from the monolith. */
@Module({ imports: [LaravelJobRunnerModule, SendOrderConfirmationModule, RecalculateProductPopularityModule] })
export class LaravelJobsModule {}
