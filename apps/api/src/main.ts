import { bootstrapService } from '@offramp/platform';

await bootstrapService({ name: 'api', defaultPort: 3001 });
