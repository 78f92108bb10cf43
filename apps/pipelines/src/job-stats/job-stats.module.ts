import { Module } from '@nestjs/common';
import { JobStatsController } from './job-stats.controller.js';
import { JobStatsService } from './job-stats.service.js';
import { PipelinesAdminGuard } from './pipelines-admin.guard.js';

/** The jobs admin API: rates, failed jobs, retry. */
@Module({ controllers: [JobStatsController], providers: [JobStatsService, PipelinesAdminGuard] })
export class JobStatsModule {}
