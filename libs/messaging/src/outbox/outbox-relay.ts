import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import type { Registry } from 'prom-client';
import type { DataSource, QueryRunner } from 'typeorm';
import type { EventPublisher } from '../publisher/event-publisher.js';
import { exponentialBackoff } from '../retry/backoff.js';
import { parseTraceContext, tracedPublish } from '../tracing/message-trace.js';
import type { OutboxRow } from './outbox-row.js';
import { parseOutboxTimestamp } from './outbox-timestamp.js';
import { dialectOf, OUTBOX_TABLE, OutboxSql } from './outbox-store.js';
import { RelayMetrics } from './relay-metrics.js';

export interface OutboxRelaySettings {
  /** Its own DataSource on the monolith's database (not one shared with handlers' transactions). */
  dataSource: DataSource;
  publisher: EventPublisher;
  table?: string;
  batchSize?: number;
  /** Idle polling backs off from the first to the second value while the table stays empty. */
  idlePollMs?: [min: number, max: number];
  publishTimeoutMs?: number;
  /** SQLite: how long a relay's lease lasts without renewal. */
  leaseTtlMs?: number;
  owner?: string;
  registry?: Registry;
  /** Called for every row JetStream acknowledged (the benchmark measures latency with it). */
  onPublished?: (row: OutboxRow, ackedAt: number) => void;
}

const ENCODER = new TextEncoder();
const LEASE_NAME = 'outbox-relay';
/** After a failed batch: 200 ms, doubling up to 5 s while the failures go on. */
const FAILURE_BACKOFF = exponentialBackoff({ firstMs: 200, maxMs: 5_000 });

/**
 * Publishes the monolith's outbox rows to JetStream: each with its event_id as Nats-Msg-Id, in
 * id order per aggregate, marked sent only after JetStream acknowledged it. Two relays may run
 * at once: on MariaDB/PostgreSQL they share the work through `FOR UPDATE SKIP LOCKED`, holding
 * back rows whose aggregate has an earlier row held by the other; on SQLite one holds a lease
 * and the other waits. A crash between publish and mark republishes, and JetStream drops the
 * duplicate inside the stream's duplicate window (consumers are idempotent beyond it).
 */
export class OutboxRelay {
  readonly metrics: RelayMetrics;
  private readonly logger = new Logger('OutboxRelay');
  private readonly sql: OutboxSql;
  private readonly owner: string;
  private stopped = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private lastLagCheck = 0;
  private holdsLease = false;
  /** SQLite: when the lease held is renewed next (half its TTL after it was taken), and when it runs out. */
  private leaseRenewAt = 0;
  private leaseExpiresAt = 0;
  private traceColumn?: boolean;

  constructor(private readonly settings: OutboxRelaySettings) {
    this.sql = new OutboxSql(dialectOf(settings.dataSource), settings.table ?? OUTBOX_TABLE);
    this.owner = settings.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.metrics = new RelayMetrics(settings.registry);
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Finishes the batch in hand (it is marked before this resolves), then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    if (this.holdsLease) {
      await this.withRunner((runner) => this.sql.releaseLease(runner, LEASE_NAME, this.owner)).catch(() => undefined);
    }
  }

  /** Relays one batch; the number of rows published. */
  async relayBatch(): Promise<number> {
    if (this.sql.dialect === 'sqlite') return this.relaySqliteBatch();
    return this.relayLockedBatch();
  }

  private async run(): Promise<void> {
    const [minIdle, maxIdle] = this.settings.idlePollMs ?? [5, 250];
    let idle = minIdle;
    let failures = 0;
    while (!this.stopped) {
      try {
        const published = await this.relayBatch();
        failures = 0;
        await this.updateLag();
        if (published > 0) {
          idle = minIdle;
          continue; // rows may remain: the next batch at once
        }
        await this.pause(idle);
        idle = Math.min(maxIdle, idle * 2);
      } catch (error) {
        failures += 1;
        this.logger.warn(await this.describeFailure(error));
        await this.pause(FAILURE_BACKOFF(failures));
      }
    }
  }

  /** A missing outbox table is told as such (found by asking the schema), anything else as it is. */
  private async describeFailure(error: unknown): Promise<string> {
    const missing = await this.withRunner((runner) => this.sql.hasOutboxTable(runner)).then(
      (exists) => !exists,
      () => false,
    );
    if (missing) return `relay waits: the ${this.sql.table} table is missing; run the monolith's migrations (apps/legacy: php artisan migrate)`;
    return `relay batch failed: ${(error as Error).message}`;
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async withRunner<T>(work: (runner: QueryRunner) => Promise<T>): Promise<T> {
    const runner = this.settings.dataSource.createQueryRunner();
    try {
      return await work(runner);
    } finally {
      await runner.release();
    }
  }

  /** MariaDB / PostgreSQL: rows locked for the time of the publish, marked in the same transaction. */
  private relayLockedBatch(): Promise<number> {
    return this.withRunner(async (runner) => {
      await runner.startTransaction('READ COMMITTED');
      try {
        const batch = await this.sql.nextBatch(runner, this.settings.batchSize ?? 200, await this.hasTraceColumn(runner));
        if (batch.length === 0) {
          await runner.commitTransaction();
          return 0;
        }
        const held = await this.sql.heldElsewhere(runner, batch);
        const ready = batch.filter((row) => {
          const first = held.get(`${row.aggregateType}:${row.aggregateId}`);
          return first === undefined || row.id < first;
        });
        const { published, failed } = await this.publishInOrder(ready);
        await this.sql.markPublished(
          runner,
          published.map((row) => row.id),
        );
        await this.sql.markFailed(runner, failed);
        await runner.commitTransaction();
        this.afterMarked(published, failed.length);
        return published.length;
      } catch (error) {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        throw error;
      }
    });
  }

  /** SQLite: the lease holder reads, publishes and marks; the other relay waits for the lease. */
  private relaySqliteBatch(): Promise<number> {
    return this.withRunner(async (runner) => {
      const ttl = this.settings.leaseTtlMs ?? 10_000;
      // Renewed at half its TTL, not on every poll: a renewal is a commit to the monolith's file,
      // and a commit between a PHP transaction's read and its write fails that transaction (the
      // WAL snapshot moved; no busy timeout waits for it). A relay that does not hold the lease
      // asks on every poll, which changes nothing while another holds it.
      const now = Date.now();
      if (!this.holdsLease || now >= this.leaseRenewAt) {
        this.holdsLease = await this.sql.acquireLease(runner, LEASE_NAME, this.owner, ttl, now);
        [this.leaseRenewAt, this.leaseExpiresAt] = [now + ttl / 2, now + ttl];
      }
      if (!this.holdsLease) return 0;
      const batch = await this.sql.nextBatch(runner, this.settings.batchSize ?? 200, await this.hasTraceColumn(runner));
      if (batch.length === 0) return 0;
      const { published, failed } = await this.publishInOrder(batch);
      // Marks only while the lease still covers the batch; otherwise another relay may have
      // taken over and JetStream's dedup absorbs the overlap.
      if (Date.now() > this.leaseExpiresAt) this.logger.warn(`batch outlasted the lease (${ttl} ms)`);
      await runner.startTransaction();
      try {
        await this.sql.markPublished(
          runner,
          published.map((row) => row.id),
        );
        await this.sql.markFailed(runner, failed);
        await runner.commitTransaction();
      } catch (error) {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        throw error;
      }
      this.afterMarked(published, failed.length);
      return published.length;
    });
  }

  /**
   * Publishes rows of different aggregates concurrently and the rows of one aggregate one after
   * the other; after a failure the aggregate's later rows wait for the next batch.
   */
  private async publishInOrder(rows: OutboxRow[]): Promise<{ published: OutboxRow[]; failed: Array<{ id: number; error: string }> }> {
    const byAggregate = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      const key = `${row.aggregateType}:${row.aggregateId}`;
      const list = byAggregate.get(key);
      if (list) list.push(row);
      else byAggregate.set(key, [row]);
    }
    const published: OutboxRow[] = [];
    const failed: Array<{ id: number; error: string }> = [];
    await Promise.all(
      [...byAggregate.entries()].map(async ([aggregate, chain]) => {
        for (const row of chain) {
          try {
            // The publish continues the trace of the request that recorded the row.
            await tracedPublish(row.eventType, parseTraceContext(row.traceContext), (trace) =>
              this.settings.publisher.publishRaw(row.eventType, ENCODER.encode(row.payload), {
                eventId: row.eventId,
                occurredAt: new Date(parseOutboxTimestamp(row.occurredAt)).toISOString(),
                aggregate,
                traceparent: trace.traceparent,
                tracestate: trace.tracestate,
                timeoutMs: this.settings.publishTimeoutMs ?? 5_000,
                retryForMs: 0,
              }),
            );
            const ackedAt = Date.now();
            published.push(row);
            this.metrics.latency.observe(Math.max(0, ackedAt - parseOutboxTimestamp(row.occurredAt)) / 1_000);
            this.settings.onPublished?.(row, ackedAt);
          } catch (error) {
            failed.push({ id: row.id, error: (error as Error).message });
            return;
          }
        }
      }),
    );
    return { published, failed };
  }

  private async hasTraceColumn(runner: QueryRunner): Promise<boolean> {
    return (this.traceColumn ??= await this.sql.hasTraceContext(runner));
  }

  private afterMarked(published: OutboxRow[], failed: number): void {
    this.metrics.recordBatch(published.length);
    if (failed > 0) {
      this.metrics.failures.inc(failed);
      this.logger.warn(`${failed} outbox row(s) not acknowledged by JetStream; retrying`);
    }
  }

  private async updateLag(): Promise<void> {
    const now = Date.now();
    if (now - this.lastLagCheck < 1_000) return;
    this.lastLagCheck = now;
    const oldest = await this.withRunner((runner) => this.sql.oldestUnpublished(runner));
    this.metrics.lag.set(oldest ? Math.max(0, now - parseOutboxTimestamp(oldest)) / 1_000 : 0);
  }
}
