import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InvalidInputException, parseAdminActor } from '@offramp/platform';
import { FailedJobListDto, JobRatesDto, JobRetryListDto, RetriedJobDto, RetryRequestDto } from './job-stats.dto.js';
import { JobStatsService } from './job-stats.service.js';
import { PipelinesAdminGuard } from './pipelines-admin.guard.js';

/** The taken-over jobs' rates and failures, and queue:retry: pipelines' own admin API (the gateway relays it to the dashboard). */
@ApiTags('jobs')
@ApiBearerAuth()
@Controller('_offramp/pipelines/jobs')
@UseGuards(PipelinesAdminGuard)
export class JobStatsController {
  constructor(private readonly stats: JobStatsService) {}

  @Get('rates')
  @ApiOperation({ operationId: 'jobRates', summary: 'Jobs settled per second per taken-over job class, one point a minute' })
  @ApiQuery({ name: 'minutes', required: false, description: 'the window (1-1440, 60 by default)' })
  @ApiOkResponse({ type: JobRatesDto })
  rates(@Query('minutes') minutes?: string): Promise<JobRatesDto> {
    return this.stats.rates(bounded('minutes', minutes, 60, 1_440));
  }

  @Get('failed')
  @ApiOperation({ operationId: 'listFailedJobs', summary: "Laravel's failed_jobs, newest first" })
  @ApiQuery({ name: 'limit', required: false, description: 'rows at most (1-500, 100 by default)' })
  @ApiOkResponse({ type: FailedJobListDto })
  failed(@Query('limit') limit?: string): Promise<FailedJobListDto> {
    return this.stats.failedJobs(bounded('limit', limit, 100, 500));
  }

  @Post('failed/:uuid/retry')
  @HttpCode(200)
  @ApiOperation({ operationId: 'retryFailedJob', summary: 'php artisan queue:retry <uuid>: back on its queue, through the bridge' })
  @ApiBody({ type: RetryRequestDto })
  @ApiOkResponse({ type: RetriedJobDto })
  async retry(@Param('uuid') uuid: string, @Body() body: unknown): Promise<RetriedJobDto> {
    if (!/^[0-9a-f-]{36}$/i.test(uuid)) throw new InvalidInputException([{ name: 'uuid', reason: 'a job uuid' }]);
    return this.stats.retry(uuid, parseAdminActor(body));
  }

  @Get('retries')
  @ApiOperation({ operationId: 'listJobRetries', summary: 'The retries made through this API, newest first, with who and why' })
  @ApiQuery({ name: 'limit', required: false, description: 'rows at most (1-500, 100 by default)' })
  @ApiOkResponse({ type: JobRetryListDto })
  retries(@Query('limit') limit?: string): Promise<JobRetryListDto> {
    return this.stats.retries(bounded('limit', limit, 100, 500));
  }
}

function bounded(name: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new InvalidInputException([{ name, reason: `an integer from 1 to ${max}` }]);
  return value;
}
