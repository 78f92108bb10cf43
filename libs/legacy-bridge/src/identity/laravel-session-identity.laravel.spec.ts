import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startLegacyApp, type LegacyApp } from '@offramp/testing';
import { DataSource } from 'typeorm';
import { LaravelEncrypter, parseAppKey } from '../encryption/laravel-encrypter.js';
import { cookieValuePrefix, readCookie, sessionIdFromCookie } from '../encryption/session-cookie.js';
import { DatabaseSessionStore } from '../session/database-session-store.js';
import { FileSessionStore } from '../session/file-session-store.js';
import { RedisSessionStore } from '../session/redis-session-store.js';
import { LaravelSessionIdentity } from './laravel-session-identity.js';

// Real cookies from the real Laravel app (apps/legacy, php -S), read the way the gateway reads them.
describe('identity from the real Laravel session (file store)', () => {
  let legacy: LegacyApp;
  let cookies: string;
  let identity: LaravelSessionIdentity;

  beforeAll(async () => {
    legacy = await startLegacyApp();
    cookies = await legacy.login('customer@example.test');
    identity = new LaravelSessionIdentity({
      appKey: legacy.appKey,
      store: new FileSessionStore(join(legacy.storagePath, 'framework/sessions'), 120),
      cacheMs: 0,
    });
  }, 90_000);

  afterAll(async () => {
    await legacy?.close();
  });

  const sessionCookie = () => readCookie(cookies, 'laravel_session') ?? '';
  const withSession = (value: string) => cookies.replace(sessionCookie(), value);

  it('finds the logged-in user (login_web_<sha1>) in the session the cookie names', async () => {
    const lookup = await identity.lookup(cookies);
    expect(lookup.sessionId).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(lookup.userId).toBe('2');
  });

  it('gives no identity for a tampered cookie (MAC)', async () => {
    const payload = JSON.parse(Buffer.from(decodeURIComponent(sessionCookie()), 'base64').toString('utf8'));
    const value = Buffer.from(payload.value, 'base64');
    value.writeUInt8(value.readUInt8(0) ^ 0x01, 0);
    const tampered = encodeURIComponent(Buffer.from(JSON.stringify({ ...payload, value: value.toString('base64') })).toString('base64'));
    expect(await identity.lookup(withSession(tampered))).toEqual({});
  });

  it('gives no identity for a truncated cookie', async () => {
    expect(await identity.lookup(withSession(sessionCookie().slice(0, 60)))).toEqual({});
  });

  it('gives no identity for a cookie encrypted with another key', async () => {
    const foreign = new LaravelSessionIdentity({
      appKey: `base64:${randomBytes(32).toString('base64')}`,
      store: new FileSessionStore(join(legacy.storagePath, 'framework/sessions'), 120),
    });
    expect(await foreign.lookup(cookies)).toEqual({});
  });

  it('refuses a valid encrypted value moved from another cookie (the v2 prefix names the cookie)', async () => {
    const xsrf = readCookie(cookies, 'XSRF-TOKEN') ?? '';
    expect(await identity.lookup(withSession(xsrf))).toEqual({});
  });

  it('gives no user for an expired session', async () => {
    const { sessionId } = await identity.lookup(cookies);
    const old = Date.now() / 1_000 - 3 * 3600;
    utimesSync(join(legacy.storagePath, 'framework/sessions', String(sessionId)), old, old);
    const lookup = await identity.lookup(cookies);
    expect(lookup.sessionId).toBe(sessionId);
    expect(lookup.userId).toBeUndefined();
  });

  it('decrypts AES-256-GCM values written by Laravel’s own Encrypter, and refuses a forged tag', () => {
    const key = parseAppKey(legacy.appKey);
    const sessionId = 'a'.repeat(40);
    const php = [
      "require '/usr/share/php/Illuminate/autoload.php';",
      `$e = new Illuminate\\Encryption\\Encrypter(base64_decode('${key.toString('base64')}'), 'AES-256-GCM');`,
      `echo $e->encrypt(Illuminate\\Cookie\\CookieValuePrefix::create('laravel_session', $e->getKey()).'${sessionId}', false);`,
    ].join(' ');
    const encrypted = execFileSync('php', ['-r', php], { encoding: 'utf8' });
    const gcm = new LaravelEncrypter(key, 'AES-256-GCM');
    expect(sessionIdFromCookie(encrypted, 'laravel_session', gcm, key)).toBe(sessionId);
    const payload = JSON.parse(Buffer.from(encrypted, 'base64').toString('utf8'));
    const tag = Buffer.from(payload.tag, 'base64');
    tag.writeUInt8(tag.readUInt8(0) ^ 0x01, 0);
    const forged = Buffer.from(JSON.stringify({ ...payload, tag: tag.toString('base64') })).toString('base64');
    expect(sessionIdFromCookie(forged, 'laravel_session', gcm, key)).toBeUndefined();
    expect(cookieValuePrefix('laravel_session', key)).toMatch(/^[0-9a-f]{40}\|$/);
  });
});

describe('identity from the real Laravel session (database and redis stores)', () => {
  it('reads the database session store', async () => {
    const legacy = await startLegacyApp({ env: { SESSION_DRIVER: 'database' } });
    const dataSource = new DataSource({ type: 'better-sqlite3', database: legacy.databaseUrl.replace('sqlite://', '') });
    try {
      const cookies = await legacy.login('admin@example.test');
      await dataSource.initialize();
      const store = new DatabaseSessionStore((sql, parameters) => dataSource.query(sql, parameters), 'sessions', 120);
      const identity = new LaravelSessionIdentity({ appKey: legacy.appKey, store, cacheMs: 0 });
      expect((await identity.lookup(cookies)).userId).toBe('1');
      expect(readdirSync(join(legacy.storagePath, 'framework/sessions'))).toHaveLength(0);
    } finally {
      if (dataSource.isInitialized) await dataSource.destroy();
      await legacy.close();
    }
  }, 90_000);

  it('reads the redis session store', async () => {
    const prefix = `offramp_test_${randomBytes(4).toString('hex')}`;
    const legacy = await startLegacyApp({ env: { SESSION_DRIVER: 'redis', CACHE_PREFIX: prefix } });
    const redis = new Redis('redis://127.0.0.1:6379/0', { maxRetriesPerRequest: 1 });
    try {
      const cookies = await legacy.login('customer@example.test');
      const identity = new LaravelSessionIdentity({ appKey: legacy.appKey, store: new RedisSessionStore(redis, `${prefix}:`), cacheMs: 0 });
      const lookup = await identity.lookup(cookies);
      expect(lookup.userId).toBe('2');
      await redis.del(`${prefix}:${lookup.sessionId}`);
    } finally {
      redis.disconnect();
      await legacy.close();
    }
  }, 90_000);
});
