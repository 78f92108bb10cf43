import { migrateCommand } from '@offramp/persistence';
import { PIPELINES_MIGRATIONS } from './migrations/pipelines-migrations.js';

// The migrate Job's and compose's one-shot entry point: `node dist/migrate.js`.
process.exitCode = await migrateCommand({ slice: 'pipelines', migrations: PIPELINES_MIGRATIONS });
