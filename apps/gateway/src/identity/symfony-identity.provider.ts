import type { IncomingMessage } from 'node:http';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { cookieUpdate, readCookie } from '@offramp/legacy-bridge';
import { configuredSymfonySessionStore, SymfonySessionIdentity } from '@offramp/legacy-bridge/symfony';
import type { IdentityTokenSigner } from '@offramp/platform';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { Upstream } from '../proxy/upstream.js';
import type { CallerIdentity } from './identity-provider.js';
import type { LegacyIdentityBridge } from './legacy-identity.provider.js';
import { monolithWhoami, TokenCache } from './bridge-parts.js';

/**
 * The identity bridge for a Symfony monolith (LEGACY_FRAMEWORK=symfony): the firewall's token in
 * the monolith's own session (the cookie's value is the session id; files, PDO or redis), and its
 * whoami endpoint where the session cannot tell (SESSION_DRIVER=none for custom authenticators,
 * a store that cannot be read, a token whose user lacks the configured properties). A token that
 * is not Symfony's, holds another class or does not read cleanly gives no identity.
 */
export function createSymfonyIdentityProvider(
  config: GatewayConfig,
  signer: IdentityTokenSigner,
  legacy: Upstream,
  dataSource?: DataSource,
): LegacyIdentityBridge {
  const logger = new Logger('IdentityBridge');
  const cookieName = config.SYMFONY_SESSION_COOKIE;
  const session =
    config.SESSION_DRIVER === 'none'
      ? undefined
      : new SymfonySessionIdentity({
          store: configuredSymfonySessionStore({ ...config, SESSION_DRIVER: config.SESSION_DRIVER }, dataSource).store,
          cookieName,
          firewall: config.SYMFONY_FIREWALL,
          userClasses: config.SYMFONY_USER_CLASSES,
          userIdProperty: config.SYMFONY_USER_ID_PROPERTY,
          emailProperty: config.SYMFONY_USER_EMAIL_PROPERTY,
          nameProperty: config.SYMFONY_USER_NAME_PROPERTY,
          cacheMs: config.SESSION_CACHE_MS,
          // The session id is a credential: the log names the reason, not the id.
          onRefusedToken: (_, error) => logger.warn(`a session's security token gave no identity (${error.name}): ${error.message}`),
        });
  const whoami = monolithWhoami(config, legacy);
  const tokens = new TokenCache(signer, config.IDENTITY_TOKEN_TTL_S);
  let warnedCsrf = false;

  /** Whoami answers are kept per session: its id when the cookie carries a well-formed one, else the whole Cookie header. */
  const scopeOf = (cookie: string) => session?.sessionId(cookie) ?? readCookie(cookie, cookieName) ?? cookie;

  async function fromWhoami(cookie: string, sessionId?: string): Promise<CallerIdentity> {
    try {
      const user = await whoami.whoami(cookie, scopeOf(cookie));
      return user ? { sessionId, identity: { userId: user.id, email: user.email, name: user.name, roles: user.roles, source: 'whoami' } } : { sessionId };
    } catch (error) {
      logger.warn(`whoami failed: ${(error as Error).message}`);
      return { sessionId };
    }
  }

  /** Everything cached for the session the request came with goes: its next request reads the store (or asks whoami) again. */
  function forgetSessionOf(req: IncomingMessage): void {
    const cookie = req.headers.cookie;
    if (!cookie) return;
    const scope = scopeOf(cookie);
    session?.forget(scope);
    whoami.forget(scope);
  }

  const isLogout = (req: IncomingMessage) => (req.url ?? '').split('?', 1)[0] === config.SYMFONY_LOGOUT_PATH;

  return {
    async resolve(req: IncomingMessage): Promise<CallerIdentity> {
      const cookie = req.headers.cookie;
      if (!cookie) return {};
      if (!session) return fromWhoami(cookie);
      const sessionId = session.sessionId(cookie);
      if (!sessionId) return {}; // no session cookie, or a value that is no PHP session id: nobody
      try {
        const { user, unresolved } = await session.lookupSession(sessionId);
        if (user) return { sessionId, identity: { ...user, source: 'symfony-session' } };
        return unresolved ? fromWhoami(cookie, sessionId) : { sessionId };
      } catch (error) {
        // The store could not be read (database or redis down): the monolith can still tell.
        logger.warn(`session store unreadable, asking whoami: ${(error as Error).message}`);
        return fromWhoami(cookie, sessionId);
      }
    },
    token: (identity, grant) => tokens.token(identity, grant),

    // The gateway makes Laravel's CSRF check only: Symfony's tokens are per form (csrf_token_id) and checked by the monolith.
    async csrfSessionToken(): Promise<string | undefined> {
      if (!warnedCsrf) {
        warnedCsrf = true;
        logger.warn(
          'a CSRF-checked route in front of a Symfony monolith answers 419: set csrf: false on its routes (the gateway checks only Laravel CSRF tokens)',
        );
      }
      return undefined;
    },
    xsrfToken: () => undefined,

    responseSetsCookies(req: IncomingMessage, setCookie: string | string[]): void {
      if (isLogout(req)) return forgetSessionOf(req);
      const update = cookieUpdate(setCookie, cookieName);
      const sent = readCookie(req.headers.cookie, cookieName);
      if (!update || !sent) return;
      // The session cookie's value is the id: the same value is the same session (Symfony resends it on regenerate only).
      if (!update.removed && update.value === sent) return;
      forgetSessionOf(req);
    },

    responseSetsNoCookies(req: IncomingMessage): void {
      if (isLogout(req)) forgetSessionOf(req);
    },
  };
}
