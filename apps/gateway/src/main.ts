import { bootstrapService } from '@offramp/platform';

await bootstrapService({ name: 'gateway', defaultPort: 8080 });
