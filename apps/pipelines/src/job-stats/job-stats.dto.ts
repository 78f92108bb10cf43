import { ApiProperty } from '@nestjs/swagger';

export class JobRatePointDto {
  @ApiProperty({ description: 'start of the minute, ISO 8601 UTC' })
  minute!: string;
  @ApiProperty({ description: 'jobs of the class settled in that minute (run, or failed for good), per second' })
  perSecond!: number;
  @ApiProperty({ description: 'of those, jobs written into failed_jobs in that minute, per second' })
  failedPerSecond!: number;
}

export class JobClassRatesDto {
  @ApiProperty({ example: 'App\\Jobs\\SendOrderConfirmation' })
  jobClass!: string;
  @ApiProperty({ description: 'jobs settled over the whole window' })
  total!: number;
  @ApiProperty({ type: [JobRatePointDto], description: 'one point a minute, oldest first, minutes without jobs included as 0' })
  points!: JobRatePointDto[];
}

export class JobRatesDto {
  @ApiProperty({ description: 'the window, in minutes' })
  minutes!: number;
  @ApiProperty({ type: [JobClassRatesDto] })
  classes!: JobClassRatesDto[];
}

export class FailedJobDto {
  @ApiProperty()
  uuid!: string;
  @ApiProperty({ description: "the payload's displayName, the job class" })
  job!: string;
  @ApiProperty()
  connection!: string;
  @ApiProperty()
  queue!: string;
  @ApiProperty({ description: 'ISO 8601 UTC' })
  failedAt!: string;
  @ApiProperty({ description: 'the first line of the exception Laravel or Offramp stored' })
  exception!: string;
}

export class FailedJobListDto {
  @ApiProperty({ type: [FailedJobDto], description: 'newest first' })
  failedJobs!: FailedJobDto[];
  @ApiProperty({ description: 'rows in failed_jobs (the list holds at most `limit`)' })
  total!: number;
}

export class RetriedJobDto {
  @ApiProperty()
  uuid!: string;
  @ApiProperty({ description: 'the queue it was pushed back on' })
  queue!: string;
}

export class RetryRequestDto {
  @ApiProperty({ description: 'why: kept in the retries record', example: 'SMTP relay fixed' })
  reason!: string;
  @ApiProperty({ required: false, description: "who: the gateway passes its admin caller's name (default admin-api)", example: 'jane@ops' })
  by?: string;
}

export class JobRetryDto {
  @ApiProperty({ description: 'the record id' })
  id!: string;
  @ApiProperty({ description: 'the failed_jobs uuid retried' })
  uuid!: string;
  @ApiProperty({ description: 'the job class (the payload displayName)' })
  job!: string;
  @ApiProperty()
  queue!: string;
  @ApiProperty({ description: 'who retried it' })
  actor!: string;
  @ApiProperty()
  reason!: string;
  @ApiProperty({ description: 'ISO 8601 UTC' })
  at!: string;
}

export class JobRetryListDto {
  @ApiProperty({ type: [JobRetryDto], description: 'newest first' })
  retries!: JobRetryDto[];
}
