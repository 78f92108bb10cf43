import { Logger } from '@nestjs/common';
import { NatsConnectionManager, RetryAbortedError, startJetStreamConsumers } from '@offramp/messaging';
import { bootstrapService } from '@offramp/platform';
import { declareEventStreams } from './event-streams.js';
import { JobStatsModule } from './job-stats/job-stats.module.js';
import { LaravelJobsModule } from './laravel-jobs.module.js';
import { MessengerBridgeModule } from './messenger-bridge/messenger-bridge.module.js';
import { messengerConsumers } from './messenger-bridge/taken-over-messages.js';
import { PIPELINES_MIGRATIONS } from './migrations/pipelines-migrations.js';
import { OutboxRelayModule } from './outbox-relay/outbox-relay.module.js';
import { pipelinesConfig } from './pipelines-config.js';
import type { PipelinesConfig } from './pipelines-config.type.js';
import { QueueBridgeModule } from './queue-bridge/queue-bridge.module.js';
import { SALES_CONSUMER } from './sales-report/sales-consumer.js';
import { SalesReportModule } from './sales-report/sales-report.module.js';
import { jobsConsumers } from './taken-over-jobs.js';

let config!: PipelinesConfig;
const service = await bootstrapService({
  name: 'pipelines',
  defaultPort: 3003,
  config: pipelinesConfig,
  migrations: PIPELINES_MIGRATIONS,
  imports: (validated) => {
    config = validated;
    return [
      OutboxRelayModule,
      QueueBridgeModule,
      LaravelJobsModule,
      SalesReportModule.forRoot(validated),
      JobStatsModule,
      ...(validated.MESSENGER_BRIDGE_ENABLED ? [MessengerBridgeModule] : []),
    ];
  },
});

// The job handlers and the sales aggregate start once the streams are declared (NATS may come up after us; the service
// stays up meanwhile). A shutdown during the wait ends it.
const logger = new Logger('LaravelJobs');
const stopping = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stopping.abort());
void (async () => {
  try {
    await declareEventStreams(await service.app.get(NatsConnectionManager).connected(), config, logger, stopping.signal);
    if (stopping.signal.aborted) return;
    const messenger = config.MESSENGER_BRIDGE_ENABLED ? messengerConsumers(config.QUEUE_JOBS_CONCURRENCY, config.QUEUE_JOBS_ACK_WAIT_MS) : [];
    await startJetStreamConsumers(service.app, {
      consumers: [...jobsConsumers(config.QUEUE_JOBS_CONCURRENCY, config.QUEUE_JOBS_ACK_WAIT_MS), ...messenger, SALES_CONSUMER],
    });
  } catch (error) {
    // Stopping while they start (NATS drained under them) is a shutdown, not a failed start.
    if (!(error instanceof RetryAbortedError) && !stopping.signal.aborted) logger.error(`the job handlers did not start: ${(error as Error).message}`);
  }
})();
