/**
 * Identical quotes for a short while: the monolith's answer depends only on the validated zip and
 * weight in grams (and the carrier's prices), so `<zip>|<grams>` is the key. Only successful
 * quotes are kept; errors always ask the carrier again. Bounded: the oldest entry goes first.
 */
export class QuoteCache<T> {
  private readonly entries = new Map<string, { value: T; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  static key(zip: string, weightGrams: number): string {
    return `${zip}|${weightGrams}`;
  }

  get(key: string, now = Date.now()): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires > now) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: T, now = Date.now()): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expires: now + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  get size(): number {
    return this.entries.size;
  }
}
