import { createHash } from 'node:crypto';
import { LaravelEncrypter, parseAppKey } from '../encryption/laravel-encrypter.js';
import { cookieValuePrefix, readCookie, sessionIdFromCookie } from '../encryption/session-cookie.js';
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
}

/** Who is logged in, read from the monolith's own session: cookie → session id → store → login key. */
export class LaravelSessionIdentity {
  private readonly key: Buffer;
  private readonly encrypter: LaravelEncrypter;
  private readonly cookieName: string;
  private readonly loginKey: string;
  private readonly prefix: string;
  private readonly cache = new Map<string, { userId?: string; until: number }>();
  /** Cookie values that verified, briefly: a client resends the same value until the monolith sets a new one. */
  private readonly verified = new Map<string, { sessionId: string; until: number }>();

  constructor(private readonly options: LaravelSessionIdentityOptions) {
    this.key = parseAppKey(options.appKey);
    this.encrypter = new LaravelEncrypter(this.key, options.cipher ?? 'aes-256-cbc');
    this.cookieName = options.cookieName ?? 'laravel_session';
    this.loginKey = loginSessionKey(options.guard ?? 'web');
    this.prefix = cookieValuePrefix(this.cookieName, this.key);
  }

  sessionId(cookieHeader: string | undefined): string | undefined {
    const value = readCookie(cookieHeader, this.cookieName);
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

  /** The user of a session id that came from a verified cookie. */
  async lookupSession(sessionId: string): Promise<SessionLookup> {
    const now = Date.now();
    const cached = this.cache.get(sessionId);
    if (cached && cached.until > now) return { sessionId, userId: cached.userId };
    const attributes = await this.options.store.read(sessionId);
    const raw = attributes?.[this.loginKey];
    const userId = typeof raw === 'number' || (typeof raw === 'string' && raw !== '') ? String(raw) : undefined;
    const cacheMs = this.options.cacheMs ?? 1_000;
    if (cacheMs > 0) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(sessionId, { userId, until: now + cacheMs });
    }
    return { sessionId, userId };
  }
}
