import { createDataSourceOptions } from '@offramp/persistence';
import { DataSource } from 'typeorm';
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
const dataSource = await new DataSource(createDataSourceOptions({ url, poolSize: 1 })).initialize();
try {
  const days = await new DailySales(dataSource).rebuild();
  process.stdout.write(`sales aggregate rebuilt from the orders table: ${days} day × currency rows\n`);
} finally {
  await dataSource.destroy();
}
