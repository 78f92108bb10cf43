import { readCookie } from '../encryption/session-cookie.js';
import { CorruptPhpSerializationError, UnexpectedPhpClassError } from '../php/php-object.js';
import { SessionReadCache } from '../session/session-read-cache.js';
import type { SessionStore } from '../session/session-store.js';
import { isSymfonySessionId } from './symfony-session.js';
import { readSymfonyToken, SymfonyTokenError } from './symfony-token.js';

export interface SymfonySessionIdentityOptions {
  store: SessionStore;
  /** framework.session.name (PHP's session.name, PHPSESSID, unless the app sets one). */
  cookieName?: string;
  /** The firewall whose token is read: its session key is `_security_<firewall>`. */
  firewall?: string;
  /** The app's user classes (what its user provider loads), the only classes besides Symfony's tokens a token may hold. */
  userClasses: readonly string[];
  /** The user property that becomes the identity's user id (what whoami answers as `id`). */
  userIdProperty?: string;
  /** The user properties carried as the identity's email and name (the sample app's getUserIdentifier() is its email). */
  emailProperty?: string;
  nameProperty?: string;
  /** A read session is reused this long (ms), so a burst of requests reads the store once. */
  cacheMs?: number;
  /** Told why a session's token gave no identity (refused class, broken or truncated token), for a log line. */
  onRefusedToken?: (sessionId: string, error: Error) => void;
}

export interface SymfonyUser {
  userId: string;
  email?: string;
  name?: string;
  /** The token's role names (ROLE_USER, …). */
  roles: string[];
}

export interface SymfonySessionLookup {
  /** The session id the cookie names, when it is a well-formed one. */
  sessionId?: string;
  /** The logged-in user, when the session exists and holds an authenticated token of the firewall. */
  user?: SymfonyUser;
  /**
   * The token is Symfony's and authenticated, but the user in it does not carry the configured
   * properties (a bare identifier, another shape): only the monolith can tell (whoami).
   */
  unresolved?: boolean;
}

type SessionRead = Omit<SymfonySessionLookup, 'sessionId'>;

/**
 * Who is logged in to a Symfony monolith, read from its own session: cookie (the session id as
 * is: Symfony does not encrypt it) → store (files, PDO, redis) → `_sf2_attributes` →
 * `_security_<firewall>` → the token's user. Nothing in the token is trusted beyond what it is:
 * Symfony's token classes and the configured user classes only, and a token that does not read
 * cleanly gives no identity.
 */
export class SymfonySessionIdentity {
  private readonly cookieName: string;
  private readonly sessionKey: string;
  private readonly sessions: SessionReadCache<SessionRead>;

  constructor(private readonly options: SymfonySessionIdentityOptions) {
    this.cookieName = options.cookieName ?? 'PHPSESSID';
    this.sessionKey = `_security_${options.firewall ?? 'main'}`;
    this.sessions = new SessionReadCache(options.cacheMs ?? 1_000);
  }

  get sessionCookieName(): string {
    return this.cookieName;
  }

  /** The session id in a Cookie header, when it has the session cookie with a well-formed id. */
  sessionId(cookieHeader: string | undefined): string | undefined {
    return this.sessionIdOfValue(readCookie(cookieHeader, this.cookieName));
  }

  /** A session cookie's value is the id itself; anything but PHP's id alphabet and length is no session. */
  sessionIdOfValue(value: string | undefined): string | undefined {
    return value !== undefined && isSymfonySessionId(value) ? value : undefined;
  }

  async lookup(cookieHeader: string | undefined): Promise<SymfonySessionLookup> {
    const sessionId = this.sessionId(cookieHeader);
    return sessionId ? this.lookupSession(sessionId) : {};
  }

  async lookupSession(sessionId: string, options: { fresh?: boolean } = {}): Promise<SymfonySessionLookup> {
    const read = await this.sessions.read(sessionId, () => this.readSession(sessionId), options);
    return { sessionId, ...read };
  }

  holds(sessionId: string): boolean {
    return this.sessions.holds(sessionId);
  }

  holdsAny(): boolean {
    return this.sessions.holdsAny();
  }

  /** The monolith ended or replaced this session: the next request reads the store again. */
  forget(sessionId: string): void {
    this.sessions.forget(sessionId);
  }

  private async readSession(sessionId: string): Promise<SessionRead> {
    const variables = await this.options.store.read(sessionId);
    const attributes = variables?.['_sf2_attributes'];
    if (!attributes || typeof attributes !== 'object' || Array.isArray(attributes)) return {};
    const serialized = (attributes as Record<string, unknown>)[this.sessionKey];
    if (serialized === undefined) return {};
    try {
      if (typeof serialized !== 'string') throw new SymfonyTokenError('malformed_token', `${this.sessionKey} is not a serialized token`);
      const token = readSymfonyToken(serialized, { userClasses: this.options.userClasses, firewall: this.options.firewall ?? 'main' });
      if (token.kind === 'identifier') return { unresolved: true };
      const property = (name: string | undefined) => {
        const value = name === undefined ? undefined : token.properties[name];
        return typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' ? String(value) : undefined;
      };
      const userId = property(this.options.userIdProperty ?? 'id');
      if (userId === undefined || userId === '') return { unresolved: true };
      return {
        user: {
          userId,
          email: property(this.options.emailProperty ?? 'email'),
          name: property(this.options.nameProperty ?? 'name'),
          roles: token.roles,
        },
      };
    } catch (error) {
      if (error instanceof UnexpectedPhpClassError || error instanceof CorruptPhpSerializationError || error instanceof SymfonyTokenError) {
        this.options.onRefusedToken?.(sessionId, error);
        return {};
      }
      throw error;
    }
  }
}
