import { Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Kvm, KvWatchInclude } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { linearBackoff, RetryAbortedError, retryWithBackoff } from '@offramp/messaging';
import { merge, type Observable, Subject, throttleTime } from 'rxjs';
import { routeIdFromKey } from '../routes/route-key.js';
import { decodeStoredRoute } from '../routes/stored-route.js';

/** What the dashboard is told: a route changed (anywhere: CLI, another replica, another browser), or new traffic minutes were written. */
export type LiveEvent =
  | { type: 'route'; data: { id: string; revision: number; state?: string; by?: string; reason?: string; deleted: boolean } }
  | { type: 'traffic'; data: { at: string } };

export interface LiveFeedSettings {
  routesBucket: string;
  historyBucket: string;
}

/** How long a route event waits for this replica's route table to hold the revision (so a read right after it sees the change). */
const APPLIED_WAIT_MS = 1_000;

/**
 * Changes as they happen, for the admin API's event stream: a watch on the routes bucket (every
 * change, whoever made it) and one on the per-minute totals of the metrics history (every
 * replica's flush, at most one event a second). One pair of watchers per replica, shared by every
 * open stream; opened once NATS answers, retried until the gateway stops.
 */
export class LiveFeed implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Gateway');
  private readonly routeEvents = new Subject<LiveEvent>();
  private readonly trafficEvents = new Subject<LiveEvent>();
  private readonly stopping = new AbortController();
  private readonly stops: (() => void)[] = [];
  readonly events: Observable<LiveEvent>;

  constructor(
    private readonly nats: { connected(): Promise<NatsConnection> },
    private readonly settings: LiveFeedSettings,
    /** This replica's route table (RouteStore): a route event waits until it holds the revision. */
    private readonly table: { get(id: string): { revision: number } | undefined },
  ) {
    this.events = merge(this.routeEvents, this.trafficEvents.pipe(throttleTime(1_000, undefined, { leading: true, trailing: true })));
  }

  onModuleInit(): void {
    void retryWithBackoff(() => this.watch(), {
      backoff: linearBackoff({ stepMs: 250, maxMs: 5_000 }),
      signal: this.stopping.signal,
      // The buckets are made by their owners as the gateway starts: the first misses are expected.
      onRetry: (error, failures) => {
        if (failures >= 5) this.logger.warn(`live feed not watching yet (attempt ${failures}): ${(error as Error).message}`);
      },
    }).catch((error: unknown) => {
      if (!(error instanceof RetryAbortedError)) this.logger.error(`live feed: ${(error as Error).message}`);
    });
  }

  onApplicationShutdown(): void {
    this.stopping.abort();
    for (const stop of this.stops) stop();
    this.routeEvents.complete();
    this.trafficEvents.complete();
  }

  private async watch(): Promise<void> {
    const nc = await this.nats.connected();
    const kvm = new Kvm(nc);
    // Both buckets are made by their owners (RouteStore, MetricsHistory): opening one not made yet fails and is retried.
    const routes = await kvm.open(this.settings.routesBucket);
    await routes.status();
    const history = await kvm.open(this.settings.historyBucket);
    await history.status();
    const routeWatcher = await routes.watch({ include: KvWatchInclude.UpdatesOnly });
    const trafficWatcher = await history.watch({ key: 't.>', include: KvWatchInclude.UpdatesOnly, headers_only: true });
    this.stops.push(
      () => routeWatcher.stop(),
      () => trafficWatcher.stop(),
    );
    void this.follow('routes', async () => {
      for await (const entry of routeWatcher) {
        const id = routeIdFromKey(entry.key);
        // A value that is not a route is told as what the route table makes of it: the route taken out.
        const stored = decodeStoredRoute(entry);
        const record = stored.kind === 'route' ? stored.record : undefined;
        await this.applied(id, entry.revision, !record);
        const reason = record?.change.reason ?? (stored.kind === 'invalid' ? `not a route (${stored.reason})` : undefined);
        this.routeEvents.next({
          type: 'route',
          data: { id, revision: entry.revision, state: record?.route.state, by: record?.change.by, reason, deleted: !record },
        });
      }
    });
    void this.follow('traffic', async () => {
      for await (const entry of trafficWatcher) this.trafficEvents.next({ type: 'traffic', data: { at: entry.created.toISOString() } });
    });
  }

  /** A watch that ends with an error ends the feed's events of that kind, logged; it never ends the process. */
  private async follow(what: string, loop: () => Promise<void>): Promise<void> {
    try {
      await loop();
    } catch (error) {
      if (!this.stopping.signal.aborted) this.logger.error(`live feed: the ${what} watch ended: ${(error as Error).message}`);
    }
  }

  private async applied(id: string, revision: number, deleted: boolean): Promise<void> {
    const deadline = Date.now() + APPLIED_WAIT_MS;
    while (Date.now() < deadline) {
      const current = this.table.get(id);
      if (deleted ? !current : (current?.revision ?? 0) >= revision) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
