import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import type { KV } from '@nats-io/kv';
import { routeIdFromKey, routeKey } from '../routes/route-key.js';
import { openReplicatedBucket } from '../nats/stream-replicas.js';
import { addRequest, addRouteMinute, emptyBackendMinute, emptyRouteMinute, type RouteMinute } from './minute-buckets.js';

/** How long minutes are kept: the 24 h the dashboard shows, plus an hour so the oldest minute of a day view is whole. */
export const HISTORY_RETENTION_MS = 25 * 3_600_000;
const MINUTE_MS = 60_000;
/** A closed minute is written once more and then forgotten locally after this long. */
const KEEP_CLOSED_MINUTES = 2;

export interface HistoryOptions {
  /** How often this replica writes the minutes that changed (default 1 s: the dashboard is live within 2 s). */
  flushIntervalMs?: number;
  /** Tests: the clock. */
  now?: () => number;
  /** JetStream replicas of the bucket (GATEWAY_NATS_REPLICAS; default 1). */
  replicas?: number;
}

/** One minute of one route, summed over every replica. */
export interface MergedMinute extends RouteMinute {
  /** The minute's start, ms since the epoch. */
  at: number;
}

/**
 * Per-minute buckets of every route's traffic in a NATS KV bucket every replica writes: each
 * replica counts its minutes in memory and writes the ones that changed about once a second under
 * `r.<minute>.<route>.<replica>` (and the gateway's total under `t.<minute>.<replica>`), so a
 * reader sums every replica's keys of a minute. The bucket's max age drops minutes after 25 h,
 * so the history survives restarts and replicas coming and going. Writes never block a request.
 */
export class MetricsHistory {
  readonly replica = randomUUID().replace(/-/g, '');
  /** minute → route id → counts (this replica's, cumulative within the minute). */
  private readonly minutes = new Map<number, Map<string, RouteMinute>>();
  private readonly dirty = new Set<string>();
  /** The cells of `dirty`, so that a request to a cell already marked builds no key (cleared with it). */
  private readonly dirtyCells = new Set<RouteMinute>();
  private kv?: KV;
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private readonly now: () => number;

  constructor(
    private readonly bucket: string,
    private readonly options: HistoryOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  async open(nc: NatsConnection): Promise<void> {
    this.kv = await openReplicatedBucket(nc, this.bucket, { history: 1, ttl: HISTORY_RETENTION_MS }, this.options.replicas ?? 1);
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs ?? 1_000);
    this.timer.unref();
  }

  get opened(): boolean {
    return this.kv !== undefined;
  }

  /** The bucket, for watchers of new minutes (the live feed). */
  get store(): KV | undefined {
    return this.kv;
  }

  request(routeId: string, backend: string, status: number, seconds: number): void {
    const minute = this.cell(routeId);
    addRequest((minute.backends[backend] ??= emptyBackendMinute()), status, seconds);
  }

  fallback(routeId: string): void {
    this.cell(routeId).fallbacks += 1;
  }

  shadowComparison(routeId: string, match: boolean): void {
    const minute = this.cell(routeId);
    minute.shadow.samples += 1;
    if (match) minute.shadow.matches += 1;
  }

  /** Writes every minute that changed since the last flush; one flush at a time. */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** A route's minutes from `fromMs` on, every replica's summed, oldest first; only minutes with traffic. */
  async route(routeId: string, fromMs: number): Promise<MergedMinute[]> {
    await this.flush();
    return this.read(`r.*.${routeKey(routeId)}.*`, fromMs);
  }

  /** The whole gateway's minutes (every route) from `fromMs` on, summed over replicas. */
  async totals(fromMs: number): Promise<MergedMinute[]> {
    await this.flush();
    return this.read('t.>', fromMs);
  }

  /** Each route's counts over the minutes from `fromMs` on, summed over minutes and replicas. */
  async perRoute(fromMs: number): Promise<Map<string, RouteMinute>> {
    await this.flush();
    const sums = new Map<string, RouteMinute>();
    const kv = this.kv;
    if (!kv) return sums;
    for (let at = startOfMinute(fromMs); at <= this.now(); at += MINUTE_MS) {
      for await (const entry of await kv.history({ key: `r.${at}.>` })) {
        if (entry.operation !== 'PUT') continue;
        const routeId = routeIdFromKey(entry.key.split('.')[2] ?? '');
        const sum = sums.get(routeId) ?? emptyRouteMinute();
        addRouteMinute(sum, entry.json<RouteMinute>());
        sums.set(routeId, sum);
      }
    }
    return sums;
  }

  close(): void {
    clearInterval(this.timer);
  }

  private cell(routeId: string): RouteMinute {
    const at = startOfMinute(this.now());
    let routes = this.minutes.get(at);
    if (!routes) this.minutes.set(at, (routes = new Map()));
    let minute = routes.get(routeId);
    if (!minute) routes.set(routeId, (minute = emptyRouteMinute()));
    if (!this.dirtyCells.has(minute)) {
      this.dirtyCells.add(minute);
      this.dirty.add(`${at} ${routeId}`);
    }
    return minute;
  }

  private async write(): Promise<void> {
    const kv = this.kv;
    if (!kv || this.dirty.size === 0) return this.forgetClosedMinutes();
    const changed = [...this.dirty];
    this.dirty.clear();
    this.dirtyCells.clear();
    const touchedMinutes = new Set<number>();
    for (const cell of changed) {
      const space = cell.indexOf(' ');
      const at = Number(cell.slice(0, space));
      const routeId = cell.slice(space + 1);
      const minute = this.minutes.get(at)?.get(routeId);
      if (!minute) continue;
      touchedMinutes.add(at);
      // A failed write is tried again on the next flush: the value is this replica's whole minute.
      await kv.put(`r.${at}.${routeKey(routeId)}.${this.replica}`, JSON.stringify(minute)).catch(() => this.dirty.add(cell));
    }
    for (const at of touchedMinutes) {
      const total = emptyRouteMinute();
      for (const minute of this.minutes.get(at)?.values() ?? []) addRouteMinute(total, minute);
      await kv.put(`t.${at}.${this.replica}`, JSON.stringify(total)).catch(() => {
        const any = this.minutes.get(at)?.keys().next().value;
        if (any !== undefined) this.dirty.add(`${at} ${any}`);
      });
    }
    this.forgetClosedMinutes();
  }

  private forgetClosedMinutes(): void {
    const oldest = startOfMinute(this.now()) - KEEP_CLOSED_MINUTES * MINUTE_MS;
    for (const at of this.minutes.keys()) {
      if (at < oldest && ![...this.dirty].some((cell) => cell.startsWith(`${at} `))) this.minutes.delete(at);
    }
  }

  private async read(key: string, fromMs: number): Promise<MergedMinute[]> {
    const kv = this.kv;
    if (!kv) return [];
    const from = startOfMinute(fromMs);
    const byMinute = new Map<number, MergedMinute>();
    for await (const entry of await kv.history({ key })) {
      if (entry.operation !== 'PUT') continue;
      const at = Number(entry.key.split('.')[1]);
      if (!(at >= from)) continue;
      let merged = byMinute.get(at);
      if (!merged) byMinute.set(at, (merged = { at, ...emptyRouteMinute() }));
      addRouteMinute(merged, entry.json<RouteMinute>());
    }
    return [...byMinute.values()].sort((a, b) => a.at - b.at);
  }
}

export function startOfMinute(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}
