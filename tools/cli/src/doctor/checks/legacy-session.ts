import { cookieValuePrefix, InvalidAppKeyError, LaravelEncrypter, parseAppKey, sessionIdFromCookie } from '@offramp/legacy-bridge';
import { configuredSessionStore, type ConfiguredSessionStore, type SessionDatabase } from '@offramp/legacy-bridge/session-store';
import type { GatewayConfig } from '@offramp/platform';
import { fail, ok, reason, skipped, warn, within, type CheckResult } from '../check-result.js';

/** The page asked for a fresh session: the monolith's home page, which every Laravel app's web group serves. */
export const SESSION_PAGE = '/';

/**
 * APP_KEY against a cookie the monolith sets right now (GET / without cookies: a new session),
 * decrypted as the identity bridge does (MAC, the v2 prefix of the cookie's name); then that new
 * session read from the store SESSION_DRIVER names. The session id is never printed.
 */
export async function checkLegacySession(
  config: GatewayConfig,
  timeoutMs: number,
  database: SessionDatabase | undefined,
  databaseFailed: boolean,
  sessionPage = SESSION_PAGE,
): Promise<CheckResult[]> {
  const page = `${config.LEGACY_URL}${sessionPage}`;
  const cookieName = config.SESSION_COOKIE;
  if (!config.APP_KEY) {
    return [
      warn(
        'app-key',
        "APP_KEY is not set: the gateway cannot read the monolith's session and asks its whoami endpoint (LEGACY_WHOAMI_PATH) for every caller",
        "set APP_KEY to the monolith's (its .env)",
      ),
      warn('session-store', 'skipped because APP_KEY is not set', "set APP_KEY to the monolith's"),
    ];
  }
  let key: Buffer;
  let encrypter: LaravelEncrypter;
  try {
    key = parseAppKey(config.APP_KEY);
    encrypter = new LaravelEncrypter(key, config.APP_CIPHER);
  } catch (error) {
    if (!(error instanceof InvalidAppKeyError)) throw error;
    return [fail('app-key', error.message, "set APP_KEY to the monolith's (base64:… from its .env)"), skipped('session-store', 'APP_KEY is unusable')];
  }
  let fresh: FreshSession;
  try {
    fresh = await freshSessionCookie(page, cookieName, timeoutMs);
  } catch (error) {
    return [
      fail('app-key', `GET ${page} failed (${reason(error)})`, 'start the monolith, or set LEGACY_URL to where it runs'),
      skipped('session-store', 'the monolith does not answer'),
    ];
  }
  const { value, status, names } = fresh;
  if (!value) {
    return [
      fail(
        'app-key',
        `GET ${page} (${status}) set no ${cookieName} cookie (it set: ${names})`,
        "set SESSION_COOKIE to the monolith's session cookie name (config/session.php 'cookie')",
      ),
      skipped('session-store', `the monolith set no ${cookieName} cookie`),
    ];
  }
  const sessionId = sessionIdFromCookie(value, cookieName, encrypter, key, cookieValuePrefix(cookieName, key));
  if (!sessionId) {
    return [
      fail(
        'app-key',
        `APP_KEY does not decrypt the ${cookieName} cookie GET ${page} just set (${config.APP_CIPHER}: the MAC or tag does not verify, so the key or cipher is another)`,
        "set APP_KEY and APP_CIPHER to the monolith's own (its .env APP_KEY, config/app.php 'cipher')",
      ),
      skipped('session-store', 'APP_KEY does not decrypt the session cookie'),
    ];
  }
  const appKey = ok('app-key', `APP_KEY decrypts the ${cookieName} cookie GET ${page} just set (${config.APP_CIPHER}, MAC and prefix checked)`);
  if (config.SESSION_DRIVER === 'none') {
    return [appKey, ok('session-store', "SESSION_DRIVER=none: the gateway asks the monolith's whoami endpoint instead of reading sessions")];
  }
  if (config.SESSION_DRIVER === 'database' && databaseFailed)
    return [appKey, skipped('session-store', 'the database does not answer (SESSION_DRIVER=database)')];
  const where = storeDescription(config.SESSION_DRIVER, {
    files: `SESSION_FILES=${config.SESSION_FILES}`,
    table: config.SESSION_TABLE,
    redisUrl: config.SESSION_REDIS_URL,
    redisPrefix: config.SESSION_REDIS_PREFIX,
  });
  const configured = configuredSessionStore({ ...config, SESSION_DRIVER: config.SESSION_DRIVER }, database);
  return [
    appKey,
    await checkSessionInStore(
      configured,
      sessionId,
      where,
      timeoutMs,
      'point SESSION_DRIVER and its setting (SESSION_FILES, SESSION_TABLE, SESSION_REDIS_URL/SESSION_REDIS_PREFIX) at the store the monolith writes (its config/session.php)',
    ),
  ];
}

export interface FreshSession {
  /** The session cookie's value, when the page set it. */
  value?: string;
  status: number;
  /** The cookies the page set, by name, for the message when the session cookie is not among them. */
  names: string;
}

/** GET a page without cookies (a new visitor) and the session cookie it sets. */
export async function freshSessionCookie(page: string, cookieName: string, timeoutMs: number): Promise<FreshSession> {
  const response = await within(timeoutMs, () => fetch(page, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) }));
  await response.arrayBuffer();
  const set = response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0] ?? '')
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)] as const);
  return { value: set.find(([name]) => name === cookieName)?.[1], status: response.status, names: set.map(([name]) => name).join(', ') || 'none' };
}

/** The session-store line: the session the monolith just started, read from the store the gateway is configured with. */
export async function checkSessionInStore(
  configured: ConfiguredSessionStore,
  sessionId: string,
  where: string,
  timeoutMs: number,
  fixWhenMissing: string,
): Promise<CheckResult> {
  try {
    const session = await within(timeoutMs, async () => {
      await configured.connected?.();
      return configured.store.read(sessionId);
    });
    if (session) return ok('session-store', `the session the monolith just started is in the ${where}`);
    return fail('session-store', `the session the monolith just started is not in the ${where}`, fixWhenMissing);
  } catch (error) {
    return fail('session-store', `cannot read the ${where} (${reason(error)})`, `make the ${where} reachable and readable by the gateway`);
  } finally {
    await configured.close();
  }
}

/** The store SESSION_DRIVER names, for people: where it is, never a password of its URL. */
export function storeDescription(
  driver: GatewayConfig['SESSION_DRIVER'],
  where: { files: string; table: string; redisUrl: string; redisPrefix: string },
): string {
  switch (driver) {
    case 'database':
      return `database store (table ${where.table} of DATABASE_URL)`;
    case 'redis':
      return `redis store (${where.redisUrl.replace(/\/\/[^@/]*@/, '//***@')}, prefix ${where.redisPrefix})`;
    default:
      return `file store (${where.files})`;
  }
}
