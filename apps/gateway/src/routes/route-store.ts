import { readFile } from 'node:fs/promises';
import { Logger } from '@nestjs/common';
import { ClosedConnectionError, RequestError, TimeoutError, type NatsConnection } from '@nats-io/transport-node';
import type { KV } from '@nats-io/kv';
import { parse as parseYaml } from 'yaml';
import { routeId, routeSpecSchema, type RouteChange, type RouteRecord, type RouteSpec } from './route-spec.js';
import { isWrongLastSequence, RevisionConflict, RouteStoreUnavailable } from './route-errors.js';
import { routeIdFromKey, routeKey } from './route-key.js';
import { RouteTable } from './route-table.js';
import { ResumingKvWatch } from './resuming-kv-watch.js';
import { decodeStoredRoute, type StoredRoute } from './stored-route.js';
import { openReplicatedBucket } from '../nats/stream-replicas.js';

export interface RouteRevision extends RouteRecord {
  id: string;
  revision: number;
  stored: string;
  operation: 'PUT' | 'DEL' | 'PURGE';
}

export interface RouteTransition {
  id: string;
  before?: RouteSpec;
  after?: RouteSpec;
}

export class RouteFileError extends Error {}

/**
 * The route table lives in a NATS KV bucket, one key per route. Every replica watches the bucket
 * and applies each change to its table in place as it arrives, with no restart and no rebuild. Each
 * revision carries who, when and why: the bucket's history is the audit log. The watch is made
 * again when it falls behind the bucket (its consumer's node died: ResumingKvWatch).
 */
/** How long a write waits for this replica's watcher to apply it before answering anyway. */
const READ_YOUR_WRITES_MS = 2_000;
/** How long a write waits for NATS (reconnecting, or slow to acknowledge) before it is answered 503. */
export const ROUTE_WRITE_WAIT_MS = 2_000;
const RECONNECT_POLL_MS = 100;

export class RouteStore {
  private readonly logger = new Logger('RouteStore');
  private kv?: KV;
  private nc?: NatsConnection;
  private readonly records = new Map<string, RouteRecord & { revision: number }>();
  private table?: RouteTable;
  private watch?: ResumingKvWatch;
  /** The bucket's highest revision this replica has applied, and writers waiting to see theirs. */
  private appliedRevision = 0;
  private readonly awaitingRevision = new Set<{ revision: number; done: () => void }>();

  constructor(
    private readonly bucket: string,
    private readonly historyDepth: number,
    private readonly onChange: (table: RouteTable, transitions: RouteTransition[]) => void,
    /** JetStream replicas of the bucket (GATEWAY_NATS_REPLICAS). */
    private readonly replicas = 1,
    private readonly writeWaitMs = ROUTE_WRITE_WAIT_MS,
  ) {}

  /** Opens (or creates) the bucket and resolves once the current table is loaded. */
  async open(nc: NatsConnection): Promise<void> {
    this.nc = nc;
    this.kv = await openReplicatedBucket(nc, this.bucket, { history: this.historyDepth }, this.replicas);
    let markReady!: () => void;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    const watch = new ResumingKvWatch(
      this.kv,
      (entry) => {
        this.apply(entry.key, entry.revision, decodeStoredRoute(entry));
        if (entry.isUpdate || entry.delta === 0) markReady();
      },
      (error) => this.logger.error(`route watch of ${this.bucket}: ${error.message}`),
    );
    this.watch = watch;
    await watch.start();
    if ((await this.kv.status()).values === 0) markReady();
    await ready;
    this.rebuild();
    watch.keepUp();
  }

  close(): void {
    this.watch?.stop();
  }

  list(): (RouteRecord & { id: string; revision: number })[] {
    return [...this.records].map(([id, record]) => ({ id, ...record })).sort((a, b) => a.route.path.localeCompare(b.route.path) || a.id.localeCompare(b.id));
  }

  get(id: string): (RouteRecord & { revision: number }) | undefined {
    return this.records.get(id);
  }

  /**
   * Writes one route; with `expectedRevision`, only if nobody changed it meanwhile (0: only if new).
   * Throws RevisionConflict when that no longer holds.
   */
  async put(route: RouteSpec, change: RouteChange, expectedRevision?: number): Promise<number> {
    const kv = this.requireKv();
    const id = routeId(route);
    const key = routeKey(id);
    const value = JSON.stringify({ route, change } satisfies RouteRecord);
    // While NATS is away a publish would sit in the client's buffer and land whenever it returns,
    // after the caller was told it failed: nothing is sent until the connection answers.
    await this.whenConnected(id);
    // At most once: the same change repeated (after a 503 whose write landed after all) is that revision.
    const current = this.records.get(id);
    if (expectedRevision === undefined && current && sameChange(current, route, change)) return current.revision;
    let revision: number;
    try {
      const write =
        expectedRevision === 0
          ? kv.create(key, value)
          : kv.put(key, value, expectedRevision === undefined ? { timeout: this.writeWaitMs } : { previousSeq: expectedRevision, timeout: this.writeWaitMs });
      revision = await this.bounded(write, id);
    } catch (error) {
      // RouteStoreUnavailable (from `bounded`) when the acknowledgement did not come.
      if (isWrongLastSequence(error)) throw new RevisionConflict(id, { cause: error });
      throw error;
    }
    // Read your writes: whoever changed a route (the admin API, the CLI) reads it back changed.
    await this.applied(revision, READ_YOUR_WRITES_MS);
    return revision;
  }

  /**
   * Resolves once the connection answers a ping, or throws RouteStoreUnavailable after the bounded
   * wait: a change to `id` checks it before any NATS call of its own (shadow evidence, the write).
   */
  async whenConnected(id: string): Promise<void> {
    const deadline = Date.now() + this.writeWaitMs;
    for (;;) {
      const nc = this.nc;
      if (!nc || nc.isClosed()) throw new RouteStoreUnavailable(id, this.writeWaitMs);
      try {
        return await this.bounded(nc.flush(), id, deadline - Date.now());
      } catch (error) {
        // A ping refused at once (the client knows it is disconnected): ask again until the wait is over.
        if (!(error instanceof RouteStoreUnavailable) || Date.now() + RECONNECT_POLL_MS >= deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, RECONNECT_POLL_MS));
      }
    }
  }

  /**
   * `work` within the bounded wait: a timeout, or a NATS request failing on a lost connection,
   * becomes RouteStoreUnavailable (a late outcome of `work` is dropped).
   */
  bounded<T>(work: Promise<T>, id: string, withinMs = this.writeWaitMs): Promise<T> {
    const attempt = work.catch((error: unknown) => {
      if (error instanceof TimeoutError || error instanceof RequestError || error instanceof ClosedConnectionError) {
        throw new RouteStoreUnavailable(id, this.writeWaitMs, { cause: error });
      }
      throw error;
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new RouteStoreUnavailable(id, this.writeWaitMs)), Math.max(0, withinMs));
    });
    return Promise.race([attempt, timeout]).finally(() => clearTimeout(timer));
  }

  /** Resolves once this replica's watcher applied `revision` (or after `withinMs`, whichever is first). */
  private applied(revision: number, withinMs: number): Promise<void> {
    if (this.appliedRevision >= revision) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = {
        revision,
        done: () => {
          clearTimeout(timer);
          this.awaitingRevision.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.done, withinMs);
      this.awaitingRevision.add(waiter);
    });
  }

  /** Seeds routes from the YAML file that are not in the bucket yet; the bucket wins for the others. */
  async seedFromFile(path: string): Promise<{ added: number; kept: number }> {
    const routes = await readRoutesFile(path);
    let added = 0;
    const missing = routes.filter((route) => !this.records.has(routeId(route)));
    const at = new Date().toISOString();
    for (let start = 0; start < missing.length; start += 256) {
      await Promise.all(
        missing.slice(start, start + 256).map(async (route) => {
          try {
            await this.put(route, { by: 'seed', at, reason: `seeded from ${path}`, action: 'seed' }, 0);
            added += 1;
          } catch (error) {
            // Another replica seeded the same key first: its record stands.
            if (!(error instanceof RevisionConflict)) throw error;
          }
        }),
      );
    }
    return { added, kept: routes.length - added };
  }

  /** Every revision of one route (or of all routes), oldest first. */
  async history(id?: string): Promise<RouteRevision[]> {
    const kv = this.requireKv();
    const iterator = await kv.history(id ? { key: routeKey(id) } : {});
    const revisions: RouteRevision[] = [];
    for await (const entry of iterator) {
      const stored = decodeStoredRoute(entry);
      revisions.push({
        id: routeIdFromKey(entry.key),
        revision: entry.revision,
        stored: entry.created.toISOString(),
        operation: entry.operation,
        route: (stored.kind === 'route' ? stored.record.route : undefined) as RouteSpec,
        change:
          stored.kind === 'route'
            ? stored.record.change
            : {
                by: 'unknown',
                at: entry.created.toISOString(),
                reason: stored.kind === 'invalid' ? `not a route (${stored.reason}): the gateway routes its requests to the monolith` : 'deleted',
                action: stored.kind === 'invalid' ? 'invalid' : 'delete',
              },
      });
    }
    return revisions.sort((a, b) => a.revision - b.revision);
  }

  private apply(key: string, revision: number, stored: StoredRoute): void {
    try {
      this.applyEntry(key, revision, stored);
    } finally {
      if (revision > this.appliedRevision) this.appliedRevision = revision;
      for (const waiter of this.awaitingRevision) if (waiter.revision <= this.appliedRevision) waiter.done();
    }
  }

  /**
   * A value that is not a route takes the route out of the table, as a delete does: its requests go
   * to the monolith, which still has every route, and every replica, old or just started, decides
   * the same from the bucket alone.
   */
  private applyEntry(key: string, revision: number, stored: StoredRoute): void {
    const id = routeIdFromKey(key);
    const before = this.records.get(id)?.route;
    let after: RouteSpec | undefined;
    if (stored.kind === 'route') {
      after = stored.record.route;
      this.records.set(id, { ...stored.record, revision });
    } else {
      if (stored.kind === 'invalid') {
        this.logger.warn(
          `${this.bucket} revision ${revision} of ${id} is not a route (${stored.reason}): its requests go to the monolith until a route is set`,
        );
      }
      this.records.delete(id);
    }
    if (this.table) {
      if (after) this.table.set(id, after);
      else this.table.delete(id);
      this.onChange(this.table, [{ id, before, after }]);
    }
  }

  /** Once the current values are loaded: one table, built once, then changed in place. */
  private rebuild(): void {
    this.table = new RouteTable();
    for (const [id, record] of this.records) this.table.set(id, record.route);
    this.onChange(
      this.table,
      [...this.records].map(([id, record]) => ({ id, after: record.route })),
    );
  }

  private requireKv(): KV {
    if (!this.kv) throw new Error('the route store is not open yet');
    return this.kv;
  }
}

/** The same change as the route's current revision: same route, by the same person, for the same reason and action. */
function sameChange(current: RouteRecord, route: RouteSpec, change: RouteChange): boolean {
  return (
    JSON.stringify(current.route) === JSON.stringify(route) &&
    current.change.by === change.by &&
    current.change.reason === change.reason &&
    current.change.action === change.action
  );
}

export async function readRoutesFile(path: string): Promise<RouteSpec[]> {
  let document: unknown;
  try {
    document = parseYaml(await readFile(path, 'utf8'));
  } catch (error) {
    throw new RouteFileError(`${path}: ${(error as Error).message}`);
  }
  const list = (document as { routes?: unknown } | null)?.routes ?? [];
  if (!Array.isArray(list)) throw new RouteFileError(`${path}: expected "routes:" to be a list`);
  return list.map((entry, index) => {
    const parsed = routeSpecSchema.safeParse(entry);
    if (!parsed.success) {
      const [issue] = parsed.error.issues;
      throw new RouteFileError(`${path}: routes[${index}].${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
    }
    return parsed.data;
  });
}
