import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import type { KV } from '@nats-io/kv';
import { routeIdFromKey, routeKey } from '../routes/route-key.js';
import { openReplicatedBucket } from '../nats/stream-replicas.js';

export interface MatchCounts {
  matches: number;
  mismatches: number;
}

export interface MatchRate extends MatchCounts {
  samples: number;
  rate: number | null;
}

/** The monolith's answer decides the class: it is the reference the slice is compared with. */
export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];
/** Whether the gateway established a logged-in user of the monolith for the request. */
export const CALLER_KINDS = ['authenticated', 'anonymous'] as const;
export type CallerKind = (typeof CALLER_KINDS)[number];
export type EvidenceBreakdown = Record<StatusClass, Record<CallerKind, MatchCounts>>;

/** What promotion is judged on: the match rate, and what the samples were answers to. */
export interface ShadowEvidence extends MatchRate {
  byStatus: EvidenceBreakdown;
}

export interface ComparisonOutcome {
  match: boolean;
  /** The monolith's status code. */
  status: number;
  authenticated: boolean;
}

/** One replica's counts as stored in the bucket. */
interface StoredCounts extends MatchCounts {
  byStatus?: Partial<Record<StatusClass, Partial<Record<CallerKind, MatchCounts>>>>;
}

/**
 * Shadow match counts, per status class of the monolith's answer and per caller kind: each
 * replica counts locally and publishes its own counts to a KV bucket (`<route>.<replica>`) about
 * once a second, so the admin API and promotion see every replica's, summed.
 */
export class ShadowStats {
  readonly replica = randomUUID().replace(/-/g, '');
  private readonly local = new Map<string, ShadowEvidence>();
  private readonly dirty = new Set<string>();
  private kv?: KV;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly bucket: string,
    /** JetStream replicas of the bucket (GATEWAY_NATS_REPLICAS). */
    private readonly replicas = 1,
  ) {}

  async open(nc: NatsConnection): Promise<void> {
    this.kv = await openReplicatedBucket(nc, this.bucket, { history: 1, ttl: 30 * 24 * 3600 * 1000 }, this.replicas);
    this.timer = setInterval(() => void this.flush(), 1_000);
    this.timer.unref();
  }

  record(routeId: string, outcome: ComparisonOutcome): MatchRate {
    const counts = this.local.get(routeId) ?? emptyEvidence();
    const cell = counts.byStatus[statusClass(outcome.status)][outcome.authenticated ? 'authenticated' : 'anonymous'];
    if (outcome.match) {
      counts.matches += 1;
      cell.matches += 1;
    } else {
      counts.mismatches += 1;
      cell.mismatches += 1;
    }
    this.local.set(routeId, withRate(counts));
    this.dirty.add(routeId);
    return rate(counts);
  }

  /** A route (re-)entering shadow starts counting afresh. */
  reset(routeId: string): void {
    this.local.set(routeId, emptyEvidence());
    this.dirty.add(routeId);
  }

  localRate(routeId: string): ShadowEvidence {
    return withRate(this.local.get(routeId) ?? emptyEvidence());
  }

  async flush(): Promise<void> {
    if (!this.kv) return;
    for (const routeId of [...this.dirty]) {
      this.dirty.delete(routeId);
      const counts = this.local.get(routeId) ?? emptyEvidence();
      const stored: StoredCounts = { matches: counts.matches, mismatches: counts.mismatches, byStatus: counts.byStatus };
      await this.kv.put(`${routeKey(routeId)}.${this.replica}`, JSON.stringify(stored)).catch(() => this.dirty.add(routeId));
    }
  }

  /** Summed over every replica. */
  async total(routeId: string): Promise<ShadowEvidence> {
    await this.flush();
    if (!this.kv) return this.localRate(routeId);
    const sum = emptyEvidence();
    const keys = await this.kv.keys(`${routeKey(routeId)}.*`);
    for await (const key of keys) {
      const entry = await this.kv.get(key);
      if (!entry || entry.operation !== 'PUT') continue;
      addInto(sum, entry.json<StoredCounts>());
    }
    return withRate(sum);
  }

  /**
   * Every route's counts summed over every replica, in one read of the bucket: the route list asks
   * for all shadow routes at once, and one `total` per route (a consumer each) took seconds for hundreds.
   */
  async totals(): Promise<Map<string, ShadowEvidence>> {
    await this.flush();
    if (!this.kv) return new Map([...this.local.keys()].map((routeId) => [routeId, this.localRate(routeId)]));
    const sums = new Map<string, ShadowEvidence>();
    for await (const entry of await this.kv.history()) {
      if (entry.operation !== 'PUT') continue;
      const routeId = routeIdFromKey(entry.key.slice(0, entry.key.lastIndexOf('.')));
      const sum = sums.get(routeId) ?? emptyEvidence();
      addInto(sum, entry.json<StoredCounts>());
      sums.set(routeId, sum);
    }
    for (const sum of sums.values()) withRate(sum);
    return sums;
  }

  /**
   * Forgets every replica's counts for a route, those of replicas long gone included: called
   * before a route enters shadow anew, so old evidence never counts for the new period.
   */
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

export function statusClass(status: number): StatusClass {
  const hundreds = Math.floor(status / 100);
  return hundreds >= 1 && hundreds <= 5 ? (`${hundreds}xx` as StatusClass) : '5xx';
}

export function emptyEvidence(): ShadowEvidence {
  const byStatus = Object.fromEntries(
    STATUS_CLASSES.map((name) => [name, { authenticated: { matches: 0, mismatches: 0 }, anonymous: { matches: 0, mismatches: 0 } }]),
  ) as EvidenceBreakdown;
  return { matches: 0, mismatches: 0, samples: 0, rate: null, byStatus };
}

/** Adds one replica's counts; counts written before the breakdown existed add to the totals only. */
function addInto(sum: ShadowEvidence, counts: StoredCounts): void {
  sum.matches += counts.matches ?? 0;
  sum.mismatches += counts.mismatches ?? 0;
  for (const name of STATUS_CLASSES) {
    for (const kind of CALLER_KINDS) {
      const cell = counts.byStatus?.[name]?.[kind];
      if (!cell) continue;
      sum.byStatus[name][kind].matches += cell.matches ?? 0;
      sum.byStatus[name][kind].mismatches += cell.mismatches ?? 0;
    }
  }
}

function withRate(evidence: ShadowEvidence): ShadowEvidence {
  return Object.assign(evidence, rate(evidence));
}

function rate(counts: MatchCounts): MatchRate {
  const samples = counts.matches + counts.mismatches;
  return { matches: counts.matches, mismatches: counts.mismatches, samples, rate: samples === 0 ? null : counts.matches / samples };
}
