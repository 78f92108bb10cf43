// The outbox writer on the monolith's own table (created by apps/legacy's migration, rows of the
// monolith written by its PlaceOrder through php artisan shop:simulate) on SQLite, MariaDB and
// PostgreSQL: our rows read back as the relay reads the monolith's.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { context, propagation, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { EVENT_CATALOG, type EventPayload } from '@offramp/contracts';
import { createDataSourceOptions } from '@offramp/persistence';
import { scratchDatabase, workspaceRoot, type ScratchDatabase } from '@offramp/testing';
import { DataSource } from 'typeorm';
import { InvalidEventPayloadError } from '../publisher/event-publisher.js';
import { OutboxRecord } from './outbox-record.entity.js';
import type { OutboxRow } from './outbox-row.js';
import { dialectOf, OutboxSql } from './outbox-store.js';
import { OutboxOutsideTransactionError, recordOutboxEvent } from './outbox-writer.js';

const run = promisify(execFile);
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const OUTBOX_TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/;

async function artisan(databaseUrl: string, ...args: string[]): Promise<void> {
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    APP_KEY: 'base64:2fl+Ktvkfl+Fuz4Qp/A75G2RTiWVA/ZoKZvp6fiiM10=',
    APP_ENV: 'testing',
    LOG_CHANNEL: 'null',
  };
  await run('php', ['artisan', ...args, '--no-interaction'], { cwd: join(workspaceRoot(), 'apps/legacy'), env, timeout: 60_000 });
}

const placed: EventPayload<'shop.orders.placed.v1'> = {
  order_id: 9001,
  user_id: 2,
  status: 'pending',
  total_cents: 2_500,
  currency: 'EUR',
  items: [{ product_id: 3, quantity: 2, unit_price_cents: 1_250 }],
  placed_at: '2026-01-31T12:00:00.000000Z',
};

describe('the outbox writer and the event catalog', () => {
  // Job subjects (`<domain>.jobs.…`) come from the queue bridge, never through the outbox.
  const outboxEvents = Object.values(EVENT_CATALOG).filter((definition) => !definition.subject.split('.').includes('jobs'));
  it.each(outboxEvents.map((definition) => [definition.subject, definition] as const))(
    '%s carries the id of its aggregate as <aggregate>_id',
    (_subject, definition) => {
      expect(Object.keys(definition.schema.shape)).toContain(`${definition.aggregate}_id`);
    },
  );
});

describe.each(['sqlite', 'mariadb', 'postgres'] as const)('the outbox writer on %s, in the monolith’s table', (kind) => {
  let database: ScratchDatabase;
  let dataSource: DataSource;
  let sql: OutboxSql;
  const unpublished = async (): Promise<OutboxRow[]> => {
    const runner = dataSource.createQueryRunner();
    try {
      return await sql.nextBatch(runner, 1_000);
    } finally {
      await runner.release();
    }
  };
  const count = async () => Number(((await dataSource.query('SELECT COUNT(*) AS n FROM offramp_outbox')) as Array<{ n: number }>)[0].n);

  beforeAll(async () => {
    database = await scratchDatabase(kind, 'offramp_outbox_writer');
    dataSource = new DataSource(createDataSourceOptions({ url: database.url, entities: [OutboxRecord], poolSize: 2 }));
    await dataSource.initialize();
    sql = new OutboxSql(dialectOf(dataSource));
  }, 60_000);
  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await database?.drop();
  });

  it('finds the table by asking the schema: missing before the monolith’s migration, there after', async () => {
    const hasTable = async () => {
      const runner = dataSource.createQueryRunner();
      try {
        return await sql.hasOutboxTable(runner);
      } finally {
        await runner.release();
      }
    };
    expect(await hasTable()).toBe(false);
    await artisan(database.url, 'migrate', '--force');
    expect(await hasTable()).toBe(true);
  }, 60_000);

  it('writes a row the relay reads as it reads the monolith’s own', async () => {
    await artisan(database.url, 'shop:seed', '--products=5', '--users=2', '--orders=0');
    await artisan(database.url, 'shop:simulate', '--orders=1', '--price-changes=0');
    const [monolith] = (await unpublished()).filter((row) => row.eventType === 'shop.orders.placed.v1');
    expect(monolith).toBeDefined();

    const eventId = await dataSource.transaction((manager) => recordOutboxEvent(manager, 'shop.orders.placed.v1', placed));
    const ours = (await unpublished()).find((row) => row.eventId === eventId);
    expect(ours).toEqual({
      id: expect.any(Number),
      eventId,
      aggregateType: 'order',
      aggregateId: '9001',
      eventType: 'shop.orders.placed.v1',
      payload: JSON.stringify(placed),
      occurredAt: expect.stringMatching(OUTBOX_TIME),
      traceContext: null,
    });
    // The same shapes as the monolith's row: a v4 UUID, UTC with microseconds, the catalog's aggregate.
    expect([monolith.eventId, ours?.eventId]).toEqual([expect.stringMatching(UUID_V4), expect.stringMatching(UUID_V4)]);
    expect(monolith.occurredAt).toMatch(OUTBOX_TIME);
    expect(monolith.aggregateType).toBe(ours?.aggregateType);
    expect(Object.keys(JSON.parse(ours?.payload ?? '{}'))).toEqual(Object.keys(JSON.parse(monolith.payload)));
    const [columns] = (await dataSource.query(`SELECT published_at, attempts, last_error FROM offramp_outbox WHERE event_id = '${eventId}'`)) as Array<
      Record<string, unknown>
    >;
    expect({ ...columns, attempts: Number(columns['attempts']) }).toEqual({ published_at: null, attempts: 0, last_error: null });
  }, 60_000);

  it('stores the trace context of the change (W3C traceparent as the monolith writes it) and the relay reads it back', async () => {
    // The propagation and context the platform's SDK registers; the span is the caller's, taken as it came.
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    try {
      const caller = trace.wrapSpanContext({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED });
      const eventId = await context.with(trace.setSpan(context.active(), caller), () =>
        dataSource.transaction((manager) => recordOutboxEvent(manager, 'shop.orders.placed.v1', placed)),
      );
      const runner = dataSource.createQueryRunner();
      try {
        expect(await sql.hasTraceContext(runner)).toBe(true);
        const row = (await sql.nextBatch(runner, 1_000, true)).find((candidate) => candidate.eventId === eventId);
        expect(row?.traceContext).toBe('{"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}');
      } finally {
        await runner.release();
      }
    } finally {
      propagation.disable();
      context.disable();
    }
  }, 60_000);

  it('takes the aggregate id from the payload: the product of a stock change, not its order', async () => {
    const eventId = await dataSource.transaction((manager) =>
      recordOutboxEvent(manager, 'shop.products.stock_changed.v1', {
        product_id: 3,
        stock: 8,
        previous_stock: 10,
        delta: -2,
        reason: 'order_placed',
        order_id: 9001,
      }),
    );
    const row = (await unpublished()).find((r) => r.eventId === eventId);
    expect(row).toMatchObject({ aggregateType: 'product', aggregateId: '3' });
  });

  it('keeps no row when the change rolls back', async () => {
    const before = await count();
    const failure = new Error('the order failed after its event was recorded');
    await expect(
      dataSource.transaction(async (manager) => {
        await recordOutboxEvent(manager, 'shop.orders.placed.v1', { ...placed, order_id: 9002 });
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await count()).toBe(before);
  });

  it('refuses to record outside a transaction', async () => {
    const before = await count();
    await expect(recordOutboxEvent(dataSource.manager, 'shop.orders.placed.v1', placed)).rejects.toBeInstanceOf(OutboxOutsideTransactionError);
    expect(await count()).toBe(before);
  });

  it('refuses a payload that is not its subject’s, when it compiles and when it runs', async () => {
    const before = await count();
    const stockChange = { product_id: 3, stock: 8, previous_stock: 10, delta: -2, reason: 'order_placed' as const, order_id: 9001 };
    const error = await dataSource
      // @ts-expect-error a stock change is not the payload of shop.orders.placed.v1
      .transaction((manager) => recordOutboxEvent(manager, 'shop.orders.placed.v1', stockChange))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidEventPayloadError);
    // Right type, wrong value: the catalog's schema wants at least one item.
    await expect(dataSource.transaction((manager) => recordOutboxEvent(manager, 'shop.orders.placed.v1', { ...placed, items: [] }))).rejects.toBeInstanceOf(
      InvalidEventPayloadError,
    );
    expect(await count()).toBe(before);
  });
});
