import { phpUnserialize } from '../php/php-unserialize.js';
import { decodeSessionPayload } from './decode-session.js';
import { assertSessionId, type SessionStore } from './session-store.js';

export interface RedisGetter {
  get(key: string): Promise<string | null>;
}

/**
 * Laravel's redis session driver (CacheBasedSessionHandler over the redis cache store): key
 * `<REDIS_PREFIX><cache prefix>:<id>`, value serialize(serialize($attributes)); expiry is redis' TTL.
 */
export class RedisSessionStore implements SessionStore {
  constructor(
    private readonly redis: RedisGetter,
    private readonly prefix: string,
  ) {}

  async read(sessionId: string): Promise<Record<string, unknown> | undefined> {
    assertSessionId(sessionId);
    const stored = await this.redis.get(`${this.prefix}${sessionId}`);
    if (stored === null) return undefined;
    try {
      const inner = phpUnserialize(stored);
      return typeof inner === 'string' ? decodeSessionPayload(inner) : undefined;
    } catch {
      return undefined;
    }
  }
}
