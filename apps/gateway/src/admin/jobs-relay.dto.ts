import { ApiProperty } from '@nestjs/swagger';

// The pipelines slice's jobs admin API (apps/pipelines/src/job-stats) as the gateway relays it.

export class JobRatePointDto {
  @ApiProperty({ description: 'Start of the minute, ISO 8601 UTC' })
  minute!: string;
  @ApiProperty({ description: 'Jobs of the class settled in that minute (run, or failed for good), per second' })
  perSecond!: number;
  @ApiProperty({ description: 'Of those, jobs written into failed_jobs in that minute, per second' })
  failedPerSecond!: number;
}

export class JobClassRatesDto {
  @ApiProperty({ example: 'App\\Jobs\\SendOrderConfirmation' })
  jobClass!: string;
  @ApiProperty({ type: 'integer', description: 'Jobs settled over the whole window' })
  total!: number;
  @ApiProperty({ type: [JobRatePointDto], description: 'One point a minute, oldest first' })
  points!: JobRatePointDto[];
}

export class JobRatesDto {
  @ApiProperty({ type: 'integer' })
  minutes!: number;
  @ApiProperty({ type: [JobClassRatesDto] })
  classes!: JobClassRatesDto[];
}

export class FailedJobDto {
  @ApiProperty()
  uuid!: string;
  @ApiProperty({ description: 'The job class (the payload displayName)' })
  job!: string;
  @ApiProperty()
  connection!: string;
  @ApiProperty()
  queue!: string;
  @ApiProperty({ description: 'ISO 8601 UTC' })
  failedAt!: string;
  @ApiProperty({ description: 'First line of the stored exception' })
  exception!: string;
}

export class FailedJobListDto {
  @ApiProperty({ type: [FailedJobDto], description: 'Newest first' })
  failedJobs!: FailedJobDto[];
  @ApiProperty({ type: 'integer', description: 'Rows in failed_jobs' })
  total!: number;
}

export class RetriedJobDto {
  @ApiProperty()
  uuid!: string;
  @ApiProperty({ description: 'The queue it was pushed back on' })
  queue!: string;
}

/** The body of an audited admin action (a retry, a replay): the route changes' rule, reason required. */
export class AuditedActionRequestDto {
  @ApiProperty({ example: 'SMTP relay fixed', description: "Why: kept in the slice's record of the action" })
  reason!: string;
  @ApiProperty({ required: false, example: 'jane@ops', description: 'Who (default admin-api), as for route changes' })
  by?: string;
}

export class JobRetryDto {
  @ApiProperty({ description: 'The record id' })
  id!: string;
  @ApiProperty({ description: 'The failed_jobs uuid retried' })
  uuid!: string;
  @ApiProperty({ description: 'The job class' })
  job!: string;
  @ApiProperty()
  queue!: string;
  @ApiProperty({ description: 'Who retried it' })
  actor!: string;
  @ApiProperty()
  reason!: string;
  @ApiProperty({ description: 'ISO 8601 UTC' })
  at!: string;
}

export class JobRetryListDto {
  @ApiProperty({ type: [JobRetryDto], description: 'Newest first' })
  retries!: JobRetryDto[];
}
