import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { parseAdminActor } from '@offramp/platform';
import { AdminTokenGuard } from './admin-token.guard.js';
import { AuditedActionRequestDto, FailedJobListDto, JobRatesDto, JobRetryListDto, RetriedJobDto } from './jobs-relay.dto.js';
import { ApiProblemResponses } from './problem-responses.decorator.js';
import { SliceAdminRelay } from './slice-admin-relay.js';

/** The pipelines slice's jobs admin API, relayed for the dashboard (the slice's token stays in the gateway). */
@ApiTags('gateway admin')
@ApiBearerAuth()
@ApiProblemResponses({
  401: 'missing or wrong bearer token (GATEWAY_ADMIN_TOKEN)',
  503: 'the admin API is off, or the pipelines slice is unavailable (the problem names it: slice = pipelines)',
})
@Controller('_offramp/admin/pipelines/jobs')
@UseGuards(AdminTokenGuard)
export class JobsRelayController {
  constructor(@Inject(SliceAdminRelay) private readonly relay: SliceAdminRelay) {}

  @Get('rates')
  @ApiOperation({ operationId: 'jobRates', summary: 'Jobs settled per second per taken-over job class, one point a minute (pipelines)' })
  @ApiQuery({ name: 'minutes', required: false, type: 'integer', description: 'How far back, 1-1440 (default 60)' })
  @ApiOkResponse({ type: JobRatesDto })
  @ApiProblemResponses({ 400: 'minutes out of range' })
  rates(@Query('minutes') minutes?: string): Promise<JobRatesDto> {
    return this.relay.call('pipelines', 'GET', `/_offramp/pipelines/jobs/rates${query({ minutes })}`);
  }

  @Get('failed')
  @ApiOperation({ operationId: 'listFailedJobs', summary: "Laravel's failed_jobs, newest first (pipelines)" })
  @ApiQuery({ name: 'limit', required: false, type: 'integer', description: 'Rows at most, 1-500 (default 100)' })
  @ApiOkResponse({ type: FailedJobListDto })
  @ApiProblemResponses({ 400: 'limit out of range' })
  failed(@Query('limit') limit?: string): Promise<FailedJobListDto> {
    return this.relay.call('pipelines', 'GET', `/_offramp/pipelines/jobs/failed${query({ limit })}`);
  }

  @Post('failed/:uuid/retry')
  @HttpCode(200)
  @ApiOperation({ operationId: 'retryFailedJob', summary: 'php artisan queue:retry <uuid>: the job back on its queue, through the bridge (pipelines)' })
  @ApiBody({ type: AuditedActionRequestDto })
  @ApiOkResponse({ type: RetriedJobDto })
  @ApiProblemResponses({
    400: 'not a job uuid, or no reason (invalid-params names it)',
    404: 'no such failed job',
    409: "the job failed on another queue connection than the bridge's",
  })
  async retry(@Param('uuid') uuid: string, @Body() body: unknown): Promise<RetriedJobDto> {
    // checked here too, so a refused retry never reaches the slice; the slice trusts `by` only because it comes with its own token
    const actor = parseAdminActor(body);
    return this.relay.call('pipelines', 'POST', `/_offramp/pipelines/jobs/failed/${encodeURIComponent(uuid)}/retry`, actor);
  }

  @Get('retries')
  @ApiOperation({ operationId: 'listJobRetries', summary: 'The retries made from the admin API, newest first, with who and why (pipelines)' })
  @ApiQuery({ name: 'limit', required: false, type: 'integer', description: 'Rows at most, 1-500 (default 100)' })
  @ApiOkResponse({ type: JobRetryListDto })
  @ApiProblemResponses({ 400: 'limit out of range' })
  retries(@Query('limit') limit?: string): Promise<JobRetryListDto> {
    return this.relay.call('pipelines', 'GET', `/_offramp/pipelines/jobs/retries${query({ limit })}`);
  }
}

function query(params: Record<string, string | undefined>): string {
  const set = Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return set.length ? `?${new URLSearchParams(set).toString()}` : '';
}
