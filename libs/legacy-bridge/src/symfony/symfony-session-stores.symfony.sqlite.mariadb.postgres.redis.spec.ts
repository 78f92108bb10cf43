import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { CookieJar, scratchDatabase, startSymfonyApp, type ScratchDatabaseKind } from '@offramp/testing';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { RedisSessionStore } from '../session/redis-session-store.js';
import { SymfonySessionIdentity } from './symfony-session-identity.js';
import { PdoSessionStore, SYMFONY_SESSION_FORMAT } from './symfony-session.js';

const USER_CLASS = 'App\\Security\\User';
/** The app's SESSION_TABLE default: the Laravel app's `sessions` table has other columns. */
const TABLE = 'symfony_sessions';

function dataSourceOptions(kind: ScratchDatabaseKind, url: string): DataSourceOptions {
  if (kind === 'sqlite') return { type: 'better-sqlite3', database: url.replace('sqlite://', '') };
  return kind === 'mariadb' ? { type: 'mysql', url } : { type: 'postgres', url };
}

// PdoSessionHandler rows and RedisSessionHandler keys the real Symfony app wrote after a real form login.
describe.each<ScratchDatabaseKind>(['sqlite', 'mariadb', 'postgres'])('identity from the real Symfony session (PdoSessionHandler on %s)', (kind) => {
  it('reads the logged-in user from its row, and no one once the row expired or after logout', async () => {
    const database = await scratchDatabase(kind, 'offramp_sf_sessions');
    const app = await startSymfonyApp({ databaseUrl: database.url, env: { SESSION_DRIVER: 'database', SESSION_TABLE: TABLE } });
    const dataSource = new DataSource(dataSourceOptions(kind, database.url));
    try {
      await dataSource.initialize();
      const postgres = kind === 'postgres';
      const store = new PdoSessionStore((sql, parameters) => dataSource.query(postgres ? sql.replace('?', '$1') : sql, parameters), { table: TABLE });
      const identity = new SymfonySessionIdentity({ store, userClasses: [USER_CLASS], cacheMs: 0 });

      const cookies = await app.login('admin@example.test');
      const sessionId = new CookieJar(cookies).get('PHPSESSID') ?? '';
      expect((await identity.lookup(cookies)).user).toEqual({
        userId: '1',
        email: 'admin@example.test',
        name: 'Ada Admin',
        roles: ['ROLE_USER', 'ROLE_ADMIN'],
      });

      // Symfony 5.4 keeps the expiry time in sess_lifetime: a row past it is no session, as for PdoSessionHandler::doRead.
      const id = postgres ? '$2' : '?';
      const [row] = await dataSource.query(`SELECT sess_lifetime, sess_time FROM ${TABLE} WHERE sess_id = ${postgres ? '$1' : '?'}`, [sessionId]);
      expect(Number(row.sess_lifetime)).toBeGreaterThan(Date.now() / 1_000);
      await dataSource.query(`UPDATE ${TABLE} SET sess_lifetime = ${postgres ? '$1' : '?'} WHERE sess_id = ${id}`, [
        Math.floor(Date.now() / 1_000) - 5,
        sessionId,
      ]);
      expect((await identity.lookup(cookies)).user).toBeUndefined();
      await dataSource.query(`UPDATE ${TABLE} SET sess_lifetime = ${postgres ? '$1' : '?'} WHERE sess_id = ${id}`, [Number(row.sess_lifetime), sessionId]);
      expect((await identity.lookup(cookies)).user?.userId).toBe('1');

      await (await fetch(`${app.url}/logout`, { headers: { cookie: cookies }, redirect: 'manual' })).text();
      expect((await identity.lookup(cookies)).user).toBeUndefined();
    } finally {
      if (dataSource.isInitialized) await dataSource.destroy();
      await app.close();
      await database.drop();
    }
  }, 180_000);
});

describe('identity from the real Symfony session (RedisSessionHandler)', () => {
  it('reads the logged-in user from <prefix><id>, and no one after logout', async () => {
    const prefix = `offramp_sf_${randomBytes(4).toString('hex')}_`;
    const app = await startSymfonyApp({ env: { SESSION_DRIVER: 'redis', REDIS_URL: 'redis://127.0.0.1:6379', REDIS_SESSION_PREFIX: prefix } });
    const redis = new Redis('redis://127.0.0.1:6379/0', { maxRetriesPerRequest: 1 });
    try {
      const identity = new SymfonySessionIdentity({
        store: new RedisSessionStore(redis, prefix, SYMFONY_SESSION_FORMAT),
        userClasses: [USER_CLASS],
        cacheMs: 0,
      });
      const cookies = await app.login('customer@example.test');
      const sessionId = new CookieJar(cookies).get('PHPSESSID') ?? '';
      expect(await redis.ttl(`${prefix}${sessionId}`)).toBeGreaterThan(0);
      expect((await identity.lookup(cookies)).user).toMatchObject({ userId: '2', email: 'customer@example.test' });
      await (await fetch(`${app.url}/logout`, { headers: { cookie: cookies }, redirect: 'manual' })).text();
      expect((await identity.lookup(cookies)).user).toBeUndefined();
    } finally {
      for (const key of await redis.keys(`${prefix}*`)) await redis.del(key);
      redis.disconnect();
      await app.close();
    }
  }, 120_000);
});
