import { resolve as resolvePath } from 'node:path';
import { Redis } from 'ioredis';
import { DatabaseSessionStore } from './database-session-store.js';
import { FileSessionStore } from './file-session-store.js';
import { RedisSessionStore } from './redis-session-store.js';
import type { SessionStore } from './session-store.js';

/** The SESSION_* variables of the gateway that say where the monolith keeps its sessions. */
export interface SessionStoreSettings {
  SESSION_DRIVER: 'file' | 'database' | 'redis';
  SESSION_FILES: string;
  SESSION_TABLE: string;
  SESSION_LIFETIME: number;
  SESSION_REDIS_URL: string;
  SESSION_REDIS_PREFIX: string;
}

/** The monolith's database, as a TypeORM DataSource offers it (the database driver's store reads through it). */
export interface SessionDatabase {
  options: { type: string };
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

export interface ConfiguredSessionStore {
  store: SessionStore;
  /** Resolves once the store can be read (the redis connection is up), rejects with why not; absent when it can be read at once. */
  connected?(): Promise<void>;
  /** Closes what the store opened (the redis connection); the database belongs to the caller. */
  close(): Promise<void>;
}

/** The store the monolith's SESSION_DRIVER names, as the gateway and `offramp doctor` read it. */
export function configuredSessionStore(settings: SessionStoreSettings, database?: SessionDatabase): ConfiguredSessionStore {
  switch (settings.SESSION_DRIVER) {
    case 'database': {
      if (!database) throw new Error('SESSION_DRIVER=database needs DATABASE_URL (the monolith database)');
      const postgres = database.options.type === 'postgres';
      const query = (sql: string, parameters: unknown[]) =>
        database.query(postgres ? sql.replace('?', '$1') : sql, parameters) as Promise<{ payload: string; last_activity: number | string }[]>;
      return {
        store: new DatabaseSessionStore(query, settings.SESSION_TABLE, settings.SESSION_LIFETIME),
        close: async () => undefined,
      };
    }
    case 'redis': {
      const { redis, connected } = sessionRedis(settings.SESSION_REDIS_URL);
      return { store: new RedisSessionStore(redis, settings.SESSION_REDIS_PREFIX), connected, close: async () => void redis.disconnect() };
    }
    default:
      return {
        store: new FileSessionStore(resolvePath(settings.SESSION_FILES), settings.SESSION_LIFETIME),
        close: async () => undefined,
      };
  }
}

/**
 * The monolith's Redis for session reads: no offline queue and one retry, so a read fails fast and
 * the gateway falls back to whoami while ioredis reconnects; `connected` lets a one-off reader (the
 * doctor) wait for the connection first.
 */
export function sessionRedis(url: string): { redis: Redis; connected: () => Promise<void> } {
  const redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis.on('error', () => undefined);
  const connected = () =>
    redis.status === 'ready'
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          redis.once('ready', () => resolve());
          redis.once('error', reject);
        });
  return { redis, connected };
}
