import { configuredSymfonySessionStore, isSymfonySessionId } from '@offramp/legacy-bridge/symfony';
import type { SessionDatabase } from '@offramp/legacy-bridge/session-store';
import type { GatewayConfig } from '@offramp/platform';
import { fail, ok, reason, skipped, type CheckResult } from '../check-result.js';
import { checkSessionInStore, freshSessionCookie, storeDescription } from './legacy-session.js';

/** A Symfony app starts a session lazily: its login form (a CSRF token in the session) does, its home page may not. */
export const SYMFONY_SESSION_PAGE = '/login';

/**
 * LEGACY_FRAMEWORK=symfony: there is no APP_KEY to try (the session cookie holds the session id
 * itself), so the app-key line says so; the session a page of the monolith just started is read
 * from the store SESSION_DRIVER names, in Symfony's layout (SYMFONY_SESSION_*), as the identity
 * bridge reads it. The session id is never printed.
 */
export async function checkSymfonySession(
  config: GatewayConfig,
  timeoutMs: number,
  database: SessionDatabase | undefined,
  databaseFailed: boolean,
  sessionPage = SYMFONY_SESSION_PAGE,
): Promise<CheckResult[]> {
  const appKey = ok('app-key', "not used: LEGACY_FRAMEWORK=symfony, whose session cookie carries the session id itself (APP_KEY is Laravel's)");
  if (config.SESSION_DRIVER === 'none') {
    return [appKey, ok('session-store', "SESSION_DRIVER=none: the gateway asks the monolith's whoami endpoint instead of reading sessions")];
  }
  const page = `${config.LEGACY_URL}${sessionPage}`;
  const cookieName = config.SYMFONY_SESSION_COOKIE;
  let fresh;
  try {
    fresh = await freshSessionCookie(page, cookieName, timeoutMs);
  } catch (error) {
    return [appKey, fail('session-store', `GET ${page} failed (${reason(error)})`, 'start the monolith, or set LEGACY_URL to where it runs')];
  }
  if (!fresh.value) {
    return [
      appKey,
      fail(
        'session-store',
        `GET ${page} (${fresh.status}) set no ${cookieName} cookie (it set: ${fresh.names})`,
        'set SYMFONY_SESSION_COOKIE to framework.session.name, or OFFRAMP_DOCTOR_SESSION_PATH to a page of the monolith that starts a session (a form with a CSRF token)',
      ),
    ];
  }
  if (!isSymfonySessionId(fresh.value)) {
    return [
      appKey,
      fail(
        'session-store',
        `the ${cookieName} cookie GET ${page} just set is no PHP session id (the identity bridge reads ids of letters, digits, ',' and '-' only)`,
        "set SYMFONY_SESSION_COOKIE to the monolith's session cookie, not one its code sets itself",
      ),
    ];
  }
  if (config.SESSION_DRIVER === 'database' && databaseFailed) {
    return [appKey, skipped('session-store', 'the database does not answer (SESSION_DRIVER=database)')];
  }
  const where = storeDescription(config.SESSION_DRIVER, {
    files: `SYMFONY_SESSION_FILES=${config.SYMFONY_SESSION_FILES}`,
    table: config.SYMFONY_SESSION_TABLE,
    redisUrl: config.SESSION_REDIS_URL,
    redisPrefix: config.SYMFONY_SESSION_REDIS_PREFIX,
  });
  const configured = configuredSymfonySessionStore({ ...config, SESSION_DRIVER: config.SESSION_DRIVER }, database);
  return [
    appKey,
    await checkSessionInStore(
      configured,
      fresh.value,
      where,
      timeoutMs,
      'point SESSION_DRIVER and its setting (SYMFONY_SESSION_FILES, SYMFONY_SESSION_TABLE, SESSION_REDIS_URL/SYMFONY_SESSION_REDIS_PREFIX) at the store the monolith writes (framework.session.handler_id, save_path)',
    ),
  ];
}
