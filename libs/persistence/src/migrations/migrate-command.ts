import { DataSource, type DataSourceOptions } from 'typeorm';
import { createDataSourceOptions } from '../data-source-options.js';
import { parseDatabaseUrl, redact } from '../database-url.js';
import { runMigrationsLocked, sliceMigrationsTable } from './slice-migrations.js';

export interface MigrateCommand {
  slice: string;
  migrations: NonNullable<DataSourceOptions['migrations']>;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

/**
 * `node dist/migrate.js` of a slice's image (the migrate Job, compose's one-shot service): runs the
 * slice's migrations against DATABASE_URL and answers the exit code, 0 when the schema is up to
 * date (whether it ran something or not), 1 with the reason otherwise.
 */
export async function migrateCommand({
  slice,
  migrations,
  env = process.env,
  log = (line) => process.stderr.write(`${line}\n`),
}: MigrateCommand): Promise<number> {
  const url = env['DATABASE_URL'];
  if (!url) {
    log(`${slice} migrations: DATABASE_URL is not set (expected the URL of a database user allowed to change the schema)`);
    return 1;
  }
  try {
    parseDatabaseUrl(url);
  } catch (error) {
    log(`${slice} migrations: DATABASE_URL is invalid: ${(error as Error).message}`);
    return 1;
  }
  const table = sliceMigrationsTable(slice);
  const dataSource = new DataSource(createDataSourceOptions({ url, migrations, migrationsTableName: table, poolSize: 1 }));
  try {
    await dataSource.initialize();
    const ran = await runMigrationsLocked(dataSource);
    log(
      ran.length === 0
        ? `${slice} migrations: up to date in ${redact(url)} (${table})`
        : `${slice} migrations: ran ${ran.length} in ${redact(url)} (${table}): ${ran.join(', ')}`,
    );
    return 0;
  } catch (error) {
    log(`${slice} migrations failed in ${redact(url)}: ${(error as Error).message}`);
    return 1;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}
