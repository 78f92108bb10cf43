import { bootstrapService } from '@offramp/platform';

await bootstrapService({ name: 'integrations', defaultPort: 3002 });
