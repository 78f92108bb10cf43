import { eventsStream, RetryAbortedError, startJetStreamConsumers } from '@offramp/messaging';
import { bootstrapService } from '@offramp/platform';
import { integrationsConfigShape } from './integrations.config.js';
import { INTEGRATIONS_ENTITIES, IntegrationsModule } from './integrations.module.js';
import { INTEGRATIONS_MIGRATIONS } from './migrations/integrations-migrations.js';
import { partnerConsumer } from './partner-webhooks/partner-consumer.js';

let deliveries = true;
const service = await bootstrapService({
  name: 'integrations',
  defaultPort: 3002,
  config: integrationsConfigShape,
  entities: INTEGRATIONS_ENTITIES,
  migrations: INTEGRATIONS_MIGRATIONS,
  imports: (config) => {
    deliveries = config.PARTNER_DELIVERIES_ENABLED;
    return [IntegrationsModule.forRoot(config)];
  },
});

// The stream as apps/pipelines declares it with its defaults (its EVENTS_STREAM_* settings).
// They start once JetStream makes the consumer; a shutdown during that wait ends it (RetryAbortedError).
if (deliveries) {
  await startJetStreamConsumers(service.app, { streams: [eventsStream()], consumers: [partnerConsumer()] }).catch((error: unknown) => {
    if (!(error instanceof RetryAbortedError)) throw error;
  });
}
