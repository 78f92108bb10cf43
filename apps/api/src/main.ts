import { bootstrapService } from '@offramp/platform';
import { apiConfigShape } from './api.config.js';
import { API_ENTITIES, ApiModule } from './api.module.js';

await bootstrapService({
  name: 'api',
  defaultPort: 3001,
  config: apiConfigShape,
  entities: API_ENTITIES,
  workers: (config) => config.API_WORKERS,
  imports: (config) => [ApiModule.forRoot(config)],
});
