import { createHash } from 'node:crypto';
import { LaravelEncrypter, parseAppKey } from '../encryption/laravel-encrypter.js';
import { cookieValuePrefix, readCookie, sessionIdFromCookie } from '../encryption/session-cookie.js';
import { tokenFromXsrfHeader, XSRF_COOKIE } from '../csrf/csrf-token.js';
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

interface CachedSession {
  userId?: string;
  csrfToken?: string;
  until: number;
}

/** Who is logged in, read from the monolith's own session: cookie → session id → store → login key. */
export class LaravelSessionIdentity {
  private readonly key: Buffer;
  private readonly encrypter: LaravelEncrypter;
  private readonly cookieName: string;
  private readonly loginKey: string;
  private readonly prefix: string;
  private readonly xsrfPrefix: string;
  private readonly cache = new Map<string, CachedSession>();
  /** Cookie values that verified, briefly: a client resends the same value until the monolith sets a new one. */
  private readonly verified = new Map<string, { sessionId: string; until: number }>();
  /**
   * When each session was last forgotten (a counter, not a clock): a store read that started before
   * its session was forgotten (a logout passed meanwhile) must not put the old user back in the cache.
   */
  private readonly forgotten = new Map<string, number>();
  private forgets = 0;
  /** Store reads in progress, per session id. */
  private readonly reading = new Map<string, number>();

  constructor(private readonly options: LaravelSessionIdentityOptions) {
    this.key = parseAppKey(options.appKey);
    this.encrypter = new LaravelEncrypter(this.key, options.cipher ?? 'aes-256-cbc');
    this.cookieName = options.cookieName ?? 'laravel_session';
    this.loginKey = loginSessionKey(options.guard ?? 'web');
    this.prefix = cookieValuePrefix(this.cookieName, this.key);
    this.xsrfPrefix = cookieValuePrefix(XSRF_COOKIE, this.key);
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
    const now = Date.now();
    const cached = options.fresh ? undefined : this.cache.get(sessionId);
    if (cached && cached.until > now) return { sessionId, userId: cached.userId, csrfToken: cached.csrfToken };
    const readSince = this.forgets;
    this.reading.set(sessionId, (this.reading.get(sessionId) ?? 0) + 1);
    let attributes: Record<string, unknown> | undefined;
    try {
      attributes = await this.options.store.read(sessionId);
    } finally {
      const left = (this.reading.get(sessionId) ?? 1) - 1;
      if (left > 0) this.reading.set(sessionId, left);
      else this.reading.delete(sessionId);
    }
    const raw = attributes?.[this.loginKey];
    const userId = typeof raw === 'number' || (typeof raw === 'string' && raw !== '') ? String(raw) : undefined;
    const token = attributes?.['_token'];
    const csrfToken = typeof token === 'string' ? token : undefined;
    const cacheMs = this.options.cacheMs ?? 1_000;
    if (cacheMs > 0 && (this.forgotten.get(sessionId) ?? -1) <= readSince) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(sessionId, { userId, csrfToken, until: Date.now() + cacheMs });
    }
    return { sessionId, userId, csrfToken };
  }

  /** Whether anything is cached or being read for this session: if not, there is nothing to forget. */
  holds(sessionId: string): boolean {
    const cached = this.cache.get(sessionId);
    return (cached !== undefined && cached.until > Date.now()) || this.reading.has(sessionId);
  }

  /** Whether anything may be cached or read at all (a cheap test before decrypting a cookie to ask `holds`). */
  holdsAny(): boolean {
    return this.cache.size > 0 || this.reading.size > 0;
  }

  /**
   * The monolith ended or replaced this session (logout, login, id rotation): the next request with
   * its cookie reads the store again, and a read still in flight does not refill the cache.
   */
  forget(sessionId: string): void {
    this.cache.delete(sessionId);
    if (this.forgotten.size > 10_000) this.forgotten.clear();
    this.forgotten.set(sessionId, ++this.forgets);
  }

  /**
   * The token in an X-XSRF-TOKEN header: the XSRF-TOKEN cookie's value as JavaScript reads it,
   * decrypted with APP_KEY as Laravel's VerifyCsrfToken does. Undefined when it does not decrypt.
   */
  xsrfToken(headerValue: string): string | undefined {
    return tokenFromXsrfHeader(headerValue, this.encrypter, this.xsrfPrefix);
  }
}
