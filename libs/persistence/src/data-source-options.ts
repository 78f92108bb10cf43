import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { parseDatabaseUrl, type DatabaseTarget } from './database-url.js';
import { SqliteWriteTurn } from './sqlite-write-turn.js';

export interface DataSourceSettings {
  url: string;
  entities?: DataSourceOptions['entities'];
  migrations?: DataSourceOptions['migrations'];
  /** Where the migrations run are recorded: the slice's own table (sliceMigrationsTable), never the monolith's `migrations`. */
  migrationsTableName?: string;
  /** SQLite: how long a writer waits for the monolith's lock (or another connection of this process) before failing. */
  busyTimeoutMs?: number;
  poolSize?: number;
  logging?: boolean;
}

/**
 * TypeORM options for the database behind `DATABASE_URL`. SQLite runs in WAL mode with a busy
 * timeout because the monolith's PHP workers write the same file at the same time, and the
 * connections of this process take turns to write it (SqliteWriteTurn).
 */
export function createDataSourceOptions(settings: DataSourceSettings): DataSourceOptions {
  const target = parseDatabaseUrl(settings.url);
  const common = {
    entities: settings.entities ?? [],
    migrations: settings.migrations ?? [],
    ...(settings.migrationsTableName ? { migrationsTableName: settings.migrationsTableName } : {}),
    synchronize: false,
    logging: settings.logging ?? false,
  };
  switch (target.kind) {
    case 'sqlite':
      mkdirSync(dirname(target.database), { recursive: true });
      return {
        ...common,
        type: 'better-sqlite3',
        database: target.database,
        enableWAL: true,
        timeout: settings.busyTimeoutMs ?? 5_000,
        subscribers: [SqliteWriteTurn],
        prepareDatabase: (db: { pragma(sql: string): unknown }) => {
          db.pragma('foreign_keys = ON');
          // FULL, as the monolith's PDO connections (SQLite's default): NORMAL syncs the WAL only at
          // checkpoints, so a power cut could undo a commit whose message was acked already.
          db.pragma('synchronous = FULL');
        },
      };
    case 'mysql':
      return { ...common, type: 'mysql', ...network(target), charset: 'utf8mb4', timezone: 'Z', poolSize: settings.poolSize ?? 10 };
    case 'postgres':
      return { ...common, type: 'postgres', ...network(target), poolSize: settings.poolSize ?? 10, ssl: sslOption(target) };
  }
}

function network(target: DatabaseTarget) {
  return { host: target.host, port: target.port, username: target.username, password: target.password, database: target.database };
}

function sslOption(target: DatabaseTarget) {
  const mode = target.options['sslmode'] ?? target.options['ssl'];
  if (!mode || mode === 'disable' || mode === 'false') return false;
  return { rejectUnauthorized: mode === 'verify-full' || mode === 'true' };
}
