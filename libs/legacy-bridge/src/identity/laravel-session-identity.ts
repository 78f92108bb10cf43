import { createHash } from 'node:crypto';
import { LaravelEncrypter, parseAppKey } from '../encryption/laravel-encrypter.js';
import { cookieValuePrefix, readCookie, sessionIdFromCookie } from '../encryption/session-cookie.js';
import { tokenFromXsrfHeader, XSRF_COOKIE } from '../csrf/csrf-token.js';
import { SessionReadCache } from '../session/session-read-cache.js';
import type { SessionStore } from '../session/session-store.js';

/** SessionGuard::getName(): `login_<guard>_` . sha1(Illuminate\Auth\SessionGuard::class). */
export function loginSessionKey(guard = 'web'): string {
  return `login_${guard}_${createHash('sha1').update('Illuminate\\Auth\\SessionGuard').digest('hex')}`;
}

export interface LaravelSessionIdentityOptions {
  appKey: string;
  cipher?: string;
  cookieName?: string;
  guard?: string;
  store: SessionStore;
  /** A read session is reused this long (ms), so a burst of requests reads the store once. */
  cacheMs?: number;
}

export interface SessionLookup {
  /** Present when the cookie decrypted and verified. */
  sessionId?: string;
  /** Present when that session has a logged-in user. */
  userId?: string;
  /** The session's CSRF token (`_token`), when it has one. */
  csrfToken?: string;
}

/** Who is logged in, read from the monolith's own session: cookie → session id → store → login key. */
export class LaravelSessionIdentity {
  private readonly key: Buffer;
  private readonly encrypter: LaravelEncrypter;
  private readonly cookieName: string;
  private readonly loginKey: string;
  private readonly prefix: string;
  private readonly xsrfPrefix: string;
  private readonly sessions: SessionReadCache<{ userId?: string; csrfToken?: string }>;
  /** Cookie values that verified, briefly: a client resends the same value until the monolith sets a new one. */
  private readonly verified = new Map<string, { sessionId: string; until: number }>();

  constructor(private readonly options: LaravelSessionIdentityOptions) {
    this.key = parseAppKey(options.appKey);
    this.encrypter = new LaravelEncrypter(this.key, options.cipher ?? 'aes-256-cbc');
    this.cookieName = options.cookieName ?? 'laravel_session';
    this.loginKey = loginSessionKey(options.guard ?? 'web');
    this.prefix = cookieValuePrefix(this.cookieName, this.key);
    this.xsrfPrefix = cookieValuePrefix(XSRF_COOKIE, this.key);
    this.sessions = new SessionReadCache(options.cacheMs ?? 1_000);
  }

  /** The session cookie's name (`laravel_session` unless configured). */
  get sessionCookieName(): string {
    return this.cookieName;
  }

  sessionId(cookieHeader: string | undefined): string | undefined {
    return this.sessionIdOfValue(readCookie(cookieHeader, this.cookieName));
  }

  /** The session id in one value of the session cookie (as a Cookie or Set-Cookie header carries it). */
  sessionIdOfValue(value: string | undefined): string | undefined {
    if (!value) return undefined;
    const now = Date.now();
    const known = this.verified.get(value);
    if (known && known.until > now) return known.sessionId;
    const sessionId = sessionIdFromCookie(value, this.cookieName, this.encrypter, this.key, this.prefix);
    const cacheMs = this.options.cacheMs ?? 1_000;
    if (sessionId && cacheMs > 0) {
      if (this.verified.size > 10_000) this.verified.clear();
      this.verified.set(value, { sessionId, until: now + cacheMs });
    }
    return sessionId;
  }

  async lookup(cookieHeader: string | undefined): Promise<SessionLookup> {
    const sessionId = this.sessionId(cookieHeader);
    return sessionId ? this.lookupSession(sessionId) : {};
  }

  /**
   * The user and CSRF token of a session id that came from a verified cookie. `fresh` reads the
   * store even when a cached read exists (and refreshes the cache): the CSRF check compares with the
   * token the session holds now.
   */
  async lookupSession(sessionId: string, options: { fresh?: boolean } = {}): Promise<SessionLookup> {
    const read = await this.sessions.read(sessionId, () => this.readSession(sessionId), options);
    return { sessionId, ...read };
  }

  private async readSession(sessionId: string): Promise<{ userId?: string; csrfToken?: string }> {
    const attributes = await this.options.store.read(sessionId);
    const raw = attributes?.[this.loginKey];
    const userId = typeof raw === 'number' || (typeof raw === 'string' && raw !== '') ? String(raw) : undefined;
    const token = attributes?.['_token'];
    return { userId, csrfToken: typeof token === 'string' ? token : undefined };
  }

  /** Whether anything is cached or being read for this session: if not, there is nothing to forget. */
  holds(sessionId: string): boolean {
    return this.sessions.holds(sessionId);
  }

  /** Whether anything may be cached or read at all (a cheap test before decrypting a cookie to ask `holds`). */
  holdsAny(): boolean {
    return this.sessions.holdsAny();
  }

  /**
   * The monolith ended or replaced this session (logout, login, id rotation): the next request with
   * its cookie reads the store again, and a read still in flight does not refill the cache.
   */
  forget(sessionId: string): void {
    this.sessions.forget(sessionId);
  }

  /**
   * The token in an X-XSRF-TOKEN header: the XSRF-TOKEN cookie's value as JavaScript reads it,
   * decrypted with APP_KEY as Laravel's VerifyCsrfToken does. Undefined when it does not decrypt.
   */
  xsrfToken(headerValue: string): string | undefined {
    return tokenFromXsrfHeader(headerValue, this.encrypter, this.xsrfPrefix);
  }
}
