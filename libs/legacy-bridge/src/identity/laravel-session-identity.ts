import { createHash } from 'node:crypto';
import { LaravelEncrypter, parseAppKey } from '../encryption/laravel-encrypter.js';
import { readCookie, sessionIdFromCookie } from '../encryption/session-cookie.js';
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
  private readonly cache = new Map<string, { userId?: string; until: number }>();

  constructor(private readonly options: LaravelSessionIdentityOptions) {
    this.key = parseAppKey(options.appKey);
    this.encrypter = new LaravelEncrypter(this.key, options.cipher ?? 'aes-256-cbc');
    this.cookieName = options.cookieName ?? 'laravel_session';
    this.loginKey = loginSessionKey(options.guard ?? 'web');
  }

  sessionId(cookieHeader: string | undefined): string | undefined {
    const value = readCookie(cookieHeader, this.cookieName);
    return value ? sessionIdFromCookie(value, this.cookieName, this.encrypter, this.key) : undefined;
  }

  async lookup(cookieHeader: string | undefined): Promise<SessionLookup> {
    const sessionId = this.sessionId(cookieHeader);
    if (!sessionId) return {};
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
