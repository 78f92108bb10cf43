import type { IncomingMessage } from 'node:http';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { cookieUpdate, LaravelSessionIdentity, readCookie } from '@offramp/legacy-bridge';
import { configuredSessionStore } from '@offramp/legacy-bridge/session-store';
import type { IdentityTokenSigner } from '@offramp/platform';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { Upstream } from '../proxy/upstream.js';
import { CsrfSessionUnavailableError, type CsrfSessionSource } from '../csrf/csrf-session-source.js';
import type { CallerIdentity, IdentityProvider } from './identity-provider.js';
import type { SessionEviction } from './session-eviction.js';
import { monolithWhoami, TokenCache } from './bridge-parts.js';
import { createSymfonyIdentityProvider } from './symfony-identity.provider.js';

/** The identity bridge as the proxy uses it: who calls, the session's CSRF token, and eviction on logout. */
export type LegacyIdentityBridge = IdentityProvider & CsrfSessionSource & SessionEviction;
/** Nest token of the gateway's one LegacyIdentityBridge. */
export const IDENTITY_BRIDGE = Symbol('IDENTITY_BRIDGE');

/**
 * The identity bridge: the monolith's own session first (cookie decrypted with APP_KEY, MAC and
 * prefix checked, session read from its store); where that cannot be done, the monolith's whoami
 * endpoint. A cookie that fails verification gives no identity at all.
 */
export function createIdentityProvider(config: GatewayConfig, signer: IdentityTokenSigner, legacy: Upstream, dataSource?: DataSource): LegacyIdentityBridge {
  if (config.LEGACY_FRAMEWORK === 'symfony') return createSymfonyIdentityProvider(config, signer, legacy, dataSource);
  const logger = new Logger('IdentityBridge');
  const session = config.APP_KEY && config.SESSION_DRIVER !== 'none' ? sessionIdentity(config, config.APP_KEY, dataSource) : undefined;
  const whoami = monolithWhoami(config, legacy);
  const tokens = new TokenCache(signer, config.IDENTITY_TOKEN_TTL_S);

  let warnedUncheckable = false;

  /** Whoami answers are kept per session: its id when the cookie decrypts, else the session cookie's value. */
  function whoamiScope(cookie: string, sessionId?: string): string {
    return sessionId ?? readCookie(cookie, config.SESSION_COOKIE) ?? cookie;
  }

  async function fromWhoami(cookie: string, sessionId?: string): Promise<CallerIdentity> {
    try {
      const user = await whoami.whoami(cookie, whoamiScope(cookie, sessionId));
      return user ? { sessionId, identity: { userId: user.id, email: user.email, name: user.name, roles: user.roles, source: 'whoami' } } : { sessionId };
    } catch (error) {
      logger.warn(`whoami failed: ${(error as Error).message}`);
      return { sessionId };
    }
  }

  return {
    async resolve(req: IncomingMessage): Promise<CallerIdentity> {
      const cookie = req.headers.cookie;
      if (!cookie) return {};
      if (!session) return fromWhoami(cookie);
      let sessionId: string | undefined;
      try {
        sessionId = session.sessionId(cookie);
        if (!sessionId) return {}; // no session cookie, or one that does not verify: nobody
        const { userId } = await session.lookupSession(sessionId);
        return userId ? { sessionId, identity: { userId, roles: [], source: 'laravel-session' } } : { sessionId };
      } catch (error) {
        // The store could not be read (database or redis down): the monolith can still tell.
        logger.warn(`session store unreadable, asking whoami: ${(error as Error).message}`);
        return fromWhoami(cookie, sessionId);
      }
    },
    token: (identity, grant) => tokens.token(identity, grant),

    async csrfSessionToken(req: IncomingMessage): Promise<string | undefined> {
      if (!session) {
        if (!warnedUncheckable) {
          warnedUncheckable = true;
          logger.warn(
            'a CSRF-checked route needs the monolith session (APP_KEY and SESSION_DRIVER): answering 419; set csrf: false on routes whose monolith has no such check',
          );
        }
        return undefined;
      }
      const sessionId = session.sessionId(req.headers.cookie);
      if (!sessionId) return undefined;
      try {
        return (await session.lookupSession(sessionId, { fresh: true })).csrfToken;
      } catch (error) {
        throw new CsrfSessionUnavailableError(error);
      }
    },

    xsrfToken: (header) => session?.xsrfToken(header),

    responseSetsCookies(req: IncomingMessage, setCookie: string | string[]): void {
      const name = config.SESSION_COOKIE;
      const update = cookieUpdate(setCookie, name);
      if (!update) return;
      const cookie = req.headers.cookie;
      const sent = readCookie(cookie, name);
      if (!cookie || !sent) return; // the request had no session: nothing was cached for it
      // Laravel sets the session cookie on every response of its web group: cookies are decrypted
      // only when something is cached (or being read) that a change could make stale.
      if (session) {
        if (!session.holdsAny() && !whoami.holdsAny()) return;
        const sessionId = session.sessionIdOfValue(sent);
        if (!sessionId) return; // a cookie that does not verify never had an identity
        if (!session.holds(sessionId) && !whoami.holds(sessionId)) return;
        // Laravel re-encrypts the cookie on every response: only another session id (or none) is a change.
        if (!update.removed && session.sessionIdOfValue(update.value) === sessionId) return;
        session.forget(sessionId);
        whoami.forget(sessionId);
        return;
      }
      // Without APP_KEY the id cannot be read: any other value may be another session.
      const scope = whoamiScope(cookie);
      if (!whoami.holds(scope) || (!update.removed && update.value === sent)) return;
      whoami.forget(scope);
    },
  };
}

function sessionIdentity(config: GatewayConfig, appKey: string, dataSource?: DataSource): LaravelSessionIdentity {
  return new LaravelSessionIdentity({
    appKey,
    cipher: config.APP_CIPHER,
    cookieName: config.SESSION_COOKIE,
    // SESSION_DRIVER=none never gets here (no session identity).
    store: configuredSessionStore({ ...config, SESSION_DRIVER: config.SESSION_DRIVER as 'file' | 'database' | 'redis' }, dataSource).store,
    cacheMs: config.SESSION_CACHE_MS,
  });
}
