import { phpUnserialize } from '../php/php-unserialize.js';
import { decodeSessionPayload } from './decode-session.js';
import { assertSessionId, type SessionFormat, type SessionStore } from './session-store.js';

export interface RedisGetter {
  get(key: string): Promise<string | null>;
}

/**
 * Laravel's redis session driver (CacheBasedSessionHandler over the redis cache store): key
 * `<REDIS_PREFIX><cache prefix>:<id>`, value serialize(serialize($attributes)); expiry is redis' TTL.
 */
const LARAVEL_CACHED_SESSIONS: Pick<SessionFormat, 'assertId' | 'decode'> = {
  assertId: assertSessionId,
  decode(stored) {
    try {
      const inner = phpUnserialize(stored);
      return typeof inner === 'string' ? decodeSessionPayload(inner) : undefined;
    } catch {
      return undefined;
    }
  },
};

/** A session per key `<prefix><id>`, gone when redis expires it; Laravel's unless given another format (Symfony's RedisSessionHandler). */
export class RedisSessionStore implements SessionStore {
  constructor(
    private readonly redis: RedisGetter,
    private readonly prefix: string,
    private readonly format: Pick<SessionFormat, 'assertId' | 'decode'> = LARAVEL_CACHED_SESSIONS,
  ) {}

  async read(sessionId: string): Promise<Record<string, unknown> | undefined> {
    this.format.assertId(sessionId);
    const stored = await this.redis.get(`${this.prefix}${sessionId}`);
    if (stored === null) return undefined;
    return this.format.decode(stored);
  }
}
