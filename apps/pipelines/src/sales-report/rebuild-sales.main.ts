import { createDataSourceOptions, pendingMigrations, sliceMigrationsTable } from '@offramp/persistence';
import { DataSource } from 'typeorm';
import { PIPELINES_MIGRATIONS } from '../migrations/pipelines-migrations.js';
import { DailySales } from './daily-sales.js';

/**
 * Day one of the sales aggregate: `node apps/pipelines/dist/sales-report/rebuild-sales.main.js`
 * recomputes it from the monolith's orders table (DATABASE_URL), in one transaction. Safe to run
 * again at any time; payments that arrive meanwhile are counted once (the per-order ledger).
 */
const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write('DATABASE_URL: expected the monolith database (sqlite:///abs/path, mysql://… or postgres://…)\n');
  process.exit(78);
}
const dataSource = await new DataSource(
  createDataSourceOptions({ url, poolSize: 1, migrations: PIPELINES_MIGRATIONS, migrationsTableName: sliceMigrationsTable('pipelines') }),
).initialize();
try {
  const pending = await pendingMigrations(dataSource);
  if (pending.length > 0) {
    process.stderr.write(`the aggregate's tables are not there yet: run pipelines' migrations first (node dist/migrate.js); pending: ${pending.join(', ')}\n`);
    process.exitCode = 1;
  } else {
    const days = await new DailySales(dataSource).rebuild();
    process.stdout.write(`sales aggregate rebuilt from the orders table: ${days} day × currency rows\n`);
  }
} finally {
  await dataSource.destroy();
}
