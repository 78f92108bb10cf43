import { migrateCommand } from '@offramp/persistence';
import { INTEGRATIONS_MIGRATIONS } from './migrations/integrations-migrations.js';

// The migrate Job's and compose's one-shot entry point: `node dist/migrate.js`.
process.exitCode = await migrateCommand({ slice: 'integrations', migrations: INTEGRATIONS_MIGRATIONS });
