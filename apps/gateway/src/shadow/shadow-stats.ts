import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { Kvm, type KV } from '@nats-io/kv';
import { routeKey } from '../routes/route-key.js';

export interface MatchCounts {
  matches: number;
  mismatches: number;
}

export interface MatchRate extends MatchCounts {
  samples: number;
  rate: number | null;
}

/**
 * Shadow match counts: each replica counts locally and publishes its own counts to a KV bucket
 * (`<route>.<replica>`) about once a second, so the admin API and promotion see every replica's.
 */
export class ShadowStats {
  readonly replica = randomUUID().replace(/-/g, '');
  private readonly local = new Map<string, MatchCounts>();
  private readonly dirty = new Set<string>();
  private kv?: KV;
  private timer?: NodeJS.Timeout;

  constructor(private readonly bucket: string) {}

  async open(nc: NatsConnection): Promise<void> {
    this.kv = await new Kvm(nc).create(this.bucket, { history: 1, ttl: 30 * 24 * 3600 * 1000 });
    this.timer = setInterval(() => void this.flush(), 1_000);
    this.timer.unref();
  }

  record(routeId: string, match: boolean): MatchRate {
    const counts = this.local.get(routeId) ?? { matches: 0, mismatches: 0 };
    if (match) counts.matches += 1;
    else counts.mismatches += 1;
    this.local.set(routeId, counts);
    this.dirty.add(routeId);
    return rate(counts);
  }

  /** A route (re-)entering shadow starts counting afresh. */
  reset(routeId: string): void {
    this.local.set(routeId, { matches: 0, mismatches: 0 });
    this.dirty.add(routeId);
  }

  localRate(routeId: string): MatchRate {
    return rate(this.local.get(routeId) ?? { matches: 0, mismatches: 0 });
  }

  async flush(): Promise<void> {
    if (!this.kv) return;
    for (const routeId of [...this.dirty]) {
      this.dirty.delete(routeId);
      await this.kv.put(`${routeKey(routeId)}.${this.replica}`, JSON.stringify(this.local.get(routeId))).catch(() => this.dirty.add(routeId));
    }
  }

  /** Summed over every replica. */
  async total(routeId: string): Promise<MatchRate> {
    await this.flush();
    if (!this.kv) return this.localRate(routeId);
    const sum: MatchCounts = { matches: 0, mismatches: 0 };
    const keys = await this.kv.keys(`${routeKey(routeId)}.*`);
    for await (const key of keys) {
      const entry = await this.kv.get(key);
      if (!entry || entry.operation !== 'PUT') continue;
      const counts = entry.json<MatchCounts>();
      sum.matches += counts.matches;
      sum.mismatches += counts.mismatches;
    }
    return rate(sum);
  }

  /** Forgets every replica's counts for a route (when it enters shadow anew). */
  async clear(routeId: string): Promise<void> {
    this.reset(routeId);
    if (!this.kv) return;
    const keys = await this.kv.keys(`${routeKey(routeId)}.*`);
    for await (const key of keys) await this.kv.delete(key);
  }

  close(): void {
    clearInterval(this.timer);
  }
}

function rate(counts: MatchCounts): MatchRate {
  const samples = counts.matches + counts.mismatches;
  return { ...counts, samples, rate: samples === 0 ? null : counts.matches / samples };
}
