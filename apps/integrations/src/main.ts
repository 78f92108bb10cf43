import { bootstrapService } from '@offramp/platform';
import { integrationsConfigShape } from './integrations.config.js';
import { INTEGRATIONS_ENTITIES, IntegrationsModule } from './integrations.module.js';

await bootstrapService({
  name: 'integrations',
  defaultPort: 3002,
  config: integrationsConfigShape,
  entities: INTEGRATIONS_ENTITIES,
  imports: (config) => [IntegrationsModule.forRoot(config)],
});
