import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { E2E_IDENTITY_SECRET, startSymfonyApp, tempDir, type SymfonyApp, type TempDir } from '@offramp/testing';
import { detailOf, doctor, type DoctorRun } from './__fixtures__/doctor-run.js';

const STARTUP_TIMEOUT_MS = 90_000;

/**
 * `offramp doctor` in front of the real Symfony monolith (LEGACY_FRAMEWORK=symfony): no APP_KEY to
 * try, the session its login page just started read from its file and redis stores in Symfony's
 * layout, and each of those broken in turn. Only the two session lines are asserted: the other
 * checks (NATS, slices) have nothing to talk to here and are the Laravel spec's subject.
 */
describe('offramp doctor, LEGACY_FRAMEWORK=symfony', () => {
  let files: SymfonyApp;
  let scratch: TempDir;
  let env: Record<string, string>;
  const sessionLines = (run: DoctorRun) => ({ appKey: run.status['app-key'], sessionStore: run.status['session-store'] });

  beforeAll(async () => {
    scratch = tempDir('offramp-doctor-symfony-');
    files = await startSymfonyApp({ timeoutMs: STARTUP_TIMEOUT_MS });
    env = {
      LEGACY_FRAMEWORK: 'symfony',
      LEGACY_URL: files.url,
      SYMFONY_SESSION_FILES: files.sessionPath,
      DATABASE_URL: files.databaseUrl,
      IDENTITY_TOKEN_SECRET: E2E_IDENTITY_SECRET,
      OFFRAMP_DATA_DIR: scratch.path,
      NATS_URL: 'nats://127.0.0.1:1',
    };
  }, STARTUP_TIMEOUT_MS + 10_000);

  afterAll(async () => {
    await files?.close();
    scratch?.remove();
  });

  it('says APP_KEY is not used and finds the session the login page just started in the file store', async () => {
    const run = await doctor(env);
    expect(sessionLines(run)).toEqual({ appKey: 'ok', sessionStore: 'ok' });
    expect(detailOf(run, 'app-key')).toMatch(/^not used: LEGACY_FRAMEWORK=symfony/);
    expect(detailOf(run, 'session-store')).toBe(`the session the monolith just started is in the file store (SYMFONY_SESSION_FILES=${files.sessionPath})`);
  }, 30_000);

  it('fails the session store when SYMFONY_SESSION_FILES is not where the monolith writes', async () => {
    const run = await doctor({ ...env, SYMFONY_SESSION_FILES: join(scratch.path, 'elsewhere') });
    expect(run.code).toBe(1);
    expect(sessionLines(run)).toEqual({ appKey: 'ok', sessionStore: 'fail' });
    expect(detailOf(run, 'session-store')).toContain('is not in the file store');
  }, 30_000);

  it('fails when the page sets no cookie of that name, naming the cookies it did set', async () => {
    const run = await doctor({ ...env, SYMFONY_SESSION_COOKIE: 'SESSID_OTHER' });
    expect(sessionLines(run)).toEqual({ appKey: 'ok', sessionStore: 'fail' });
    expect(detailOf(run, 'session-store')).toBe(`GET ${files.url}/login (200) set no SESSID_OTHER cookie (it set: ${files.sessionCookie})`);
    const home = await doctor({ ...env, OFFRAMP_DOCTOR_SESSION_PATH: '/products' });
    expect(detailOf(home, 'session-store')).toMatch(/^GET .*\/products \(\d+\) set no PHPSESSID cookie/);
  }, 30_000);

  it('refuses an OFFRAMP_DOCTOR_SESSION_PATH that is no path, with exit 2', async () => {
    const run = await doctor({ ...env, OFFRAMP_DOCTOR_SESSION_PATH: 'login' }, { json: false });
    expect(run.code).toBe(2);
  }, 30_000);

  it(
    'reads the redis store in Symfony layout, and fails another prefix',
    async () => {
      const prefix = `doctor_sf_${randomBytes(4).toString('hex')}_`;
      const app = await startSymfonyApp({
        timeoutMs: STARTUP_TIMEOUT_MS,
        env: { SESSION_DRIVER: 'redis', REDIS_URL: 'redis://127.0.0.1:6379', REDIS_SESSION_PREFIX: prefix },
      });
      const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true });
      try {
        const redisEnv = {
          ...env,
          LEGACY_URL: app.url,
          SESSION_DRIVER: 'redis',
          SESSION_REDIS_URL: 'redis://127.0.0.1:6379/0',
          SYMFONY_SESSION_REDIS_PREFIX: prefix,
        };
        const run = await doctor(redisEnv);
        expect(sessionLines(run)).toEqual({ appKey: 'ok', sessionStore: 'ok' });
        expect(detailOf(run, 'session-store')).toBe(`the session the monolith just started is in the redis store (redis://127.0.0.1:6379/0, prefix ${prefix})`);
        const other = await doctor({ ...redisEnv, SYMFONY_SESSION_REDIS_PREFIX: 'sf_s' });
        expect(sessionLines(other)).toEqual({ appKey: 'ok', sessionStore: 'fail' });
      } finally {
        await app.close();
        await redis.connect();
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length > 0) await redis.del(...keys);
        redis.disconnect();
      }
    },
    STARTUP_TIMEOUT_MS + 60_000,
  );
});
