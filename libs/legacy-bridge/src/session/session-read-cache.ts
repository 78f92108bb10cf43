/**
 * What a session store said about a session, reused for `cacheMs` so a burst of requests reads the
 * store once, and dropped at once when the monolith ends or replaces the session (logout, login,
 * id rotation). Shared by the Laravel and Symfony identity readers.
 */
export class SessionReadCache<T> {
  private readonly cache = new Map<string, { value: T; until: number }>();
  /**
   * When each session was last forgotten (a counter, not a clock): a store read that started before
   * its session was forgotten (a logout passed meanwhile) must not put the old user back in the cache.
   */
  private readonly forgotten = new Map<string, number>();
  private forgets = 0;
  /** Store reads in progress, per session id. */
  private readonly reading = new Map<string, number>();

  constructor(private readonly cacheMs: number) {}

  /** The cached value, else `load()`'s (kept unless the session was forgotten meanwhile); `fresh` always loads. */
  async read(sessionId: string, load: () => Promise<T>, options: { fresh?: boolean } = {}): Promise<T> {
    const cached = options.fresh ? undefined : this.cache.get(sessionId);
    if (cached && cached.until > Date.now()) return cached.value;
    const readSince = this.forgets;
    this.reading.set(sessionId, (this.reading.get(sessionId) ?? 0) + 1);
    let value: T;
    try {
      value = await load();
    } finally {
      const left = (this.reading.get(sessionId) ?? 1) - 1;
      if (left > 0) this.reading.set(sessionId, left);
      else this.reading.delete(sessionId);
    }
    if (this.cacheMs > 0 && (this.forgotten.get(sessionId) ?? -1) <= readSince) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(sessionId, { value, until: Date.now() + this.cacheMs });
    }
    return value;
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

  /** The next read of this session goes to the store, and a read still in flight does not refill the cache. */
  forget(sessionId: string): void {
    this.cache.delete(sessionId);
    if (this.forgotten.size > 10_000) this.forgotten.clear();
    this.forgotten.set(sessionId, ++this.forgets);
  }
}
