import { bootstrapService } from '@offramp/platform';

await bootstrapService({ name: 'pipelines', defaultPort: 3003 });
