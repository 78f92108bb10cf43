export { parseDatabaseUrl, redact, InvalidDatabaseUrlError, type DatabaseKind, type DatabaseTarget } from './database-url.js';
export { createDataSourceOptions, type DataSourceSettings } from './data-source-options.js';
export { PersistenceModule } from './persistence.module.js';
export { DatabaseGate } from './database-gate.js';
export { SqliteWriteTurnTimeoutError } from './sqlite-write-turn.js';
export {
  MIGRATIONS_MODES,
  MIGRATIONS_LOCK_TIMEOUT_MS,
  MigrationsLockTimeoutError,
  MigrationsTableNotSetError,
  pendingMigrations,
  runMigrationsLocked,
  sliceMigrationsTable,
  type MigrationsMode,
} from './migrations/slice-migrations.js';
export { migrateCommand, type MigrateCommand } from './migrations/migrate-command.js';
