import { bootstrapService } from '@offramp/platform';
import { OutboxRelayModule } from './outbox-relay/outbox-relay.module.js';
import { pipelinesConfig } from './pipelines-config.js';

await bootstrapService({
  name: 'pipelines',
  defaultPort: 3003,
  config: pipelinesConfig,
  imports: () => [OutboxRelayModule],
});
