import { resolve as resolvePath } from 'node:path';
import { sessionRedis, type ConfiguredSessionStore, type SessionDatabase } from '../session/configured-session-store.js';
import { FileSessionStore } from '../session/file-session-store.js';
import { RedisSessionStore } from '../session/redis-session-store.js';
import type { SessionStore } from '../session/session-store.js';
import { PdoSessionStore, SYMFONY_SESSION_FORMAT } from './symfony-session.js';

/** The gateway's variables that say where a Symfony monolith keeps its sessions (LEGACY_FRAMEWORK=symfony). */
export interface SymfonySessionStoreSettings {
  SESSION_DRIVER: 'file' | 'database' | 'redis';
  /** framework.session.save_path: the folder of the `sess_<id>` files. */
  SYMFONY_SESSION_FILES: string;
  /** PdoSessionHandler's db_table (its columns: sess_id, sess_data, sess_lifetime, sess_time). */
  SYMFONY_SESSION_TABLE: string;
  /** framework.session.gc_maxlifetime, in seconds: a file not written for longer is no session. */
  SYMFONY_SESSION_LIFETIME_S: number;
  SESSION_REDIS_URL: string;
  /** RedisSessionHandler's prefix option (Symfony's default `sf_s`). */
  SYMFONY_SESSION_REDIS_PREFIX: string;
}

/** The store SESSION_DRIVER names, in Symfony's layout: the same file and redis stores as Laravel's, with Symfony's format; PDO rows. */
export function configuredSymfonySessionStore(settings: SymfonySessionStoreSettings, database?: SessionDatabase): ConfiguredSessionStore {
  const opened = (store: SessionStore, connected: () => Promise<void> = async () => undefined, close: () => Promise<void> = async () => undefined) => {
    const configured = { store, connected, close };
    return configured;
  };
  switch (settings.SESSION_DRIVER) {
    case 'database': {
      if (!database) throw new Error('SESSION_DRIVER=database needs DATABASE_URL (the monolith database)');
      const postgres = database.options.type === 'postgres';
      const query = (sql: string, parameters: unknown[]) =>
        database.query(postgres ? sql.replace('?', '$1') : sql, parameters) as Promise<Array<Record<string, unknown>>>;
      return opened(new PdoSessionStore(query, { table: settings.SYMFONY_SESSION_TABLE }));
    }
    case 'redis': {
      const { redis, connected } = sessionRedis(settings.SESSION_REDIS_URL);
      return opened(
        new RedisSessionStore(redis, settings.SYMFONY_SESSION_REDIS_PREFIX, SYMFONY_SESSION_FORMAT),
        connected,
        async () => void redis.disconnect(),
      );
    }
    default:
      return opened(new FileSessionStore(resolvePath(settings.SYMFONY_SESSION_FILES), settings.SYMFONY_SESSION_LIFETIME_S / 60, SYMFONY_SESSION_FORMAT));
  }
}
