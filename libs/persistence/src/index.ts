export { parseDatabaseUrl, redact, InvalidDatabaseUrlError, type DatabaseKind, type DatabaseTarget } from './database-url.js';
export { createDataSourceOptions, type DataSourceSettings } from './data-source-options.js';
export { PersistenceModule } from './persistence.module.js';
export { DatabaseGate } from './database-gate.js';
