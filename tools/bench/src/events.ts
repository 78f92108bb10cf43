// npm run bench:events: JetStream raw publish and consume+ack (the baseline), end-to-end events/s
// through the Offramp consumer transport with an idempotent SQLite write, and the outbox relay's
// rows/s and commit-to-publish latency at 1,000 rows/s. Last line: one JSON object.
import { randomUUID } from 'node:crypto';
import { Controller, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, Payload } from '@nestjs/microservices';
import { AckPolicy, jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import {
  createInboxTableSql,
  EventPublisher,
  IdempotentConsumer,
  JetStreamContext,
  JetStreamEvent,
  JetStreamExceptionFilter,
  JetStreamServer,
  NatsConnectionManager,
  OutboxRelay,
  outboxTimestamp,
  parseOutboxTimestamp,
  provisionStreams,
} from '@offramp/messaging';
import { createDataSourceOptions } from '@offramp/persistence';
import { startNatsServer, tempSqlite, type NatsServerHandle } from '@offramp/testing';
import BetterSqlite3 from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { percentile, perSecond, table } from './stats.js';

const RAW_EVENTS = Number(process.env.BENCH_RAW_EVENTS ?? 30_000);
const E2E_EVENTS = Number(process.env.BENCH_E2E_EVENTS ?? 20_000);
const RELAY_ROWS = Number(process.env.BENCH_RELAY_ROWS ?? 20_000);
const LATENCY_SECONDS = Number(process.env.BENCH_RELAY_LATENCY_SECONDS ?? 10);
const LATENCY_RATE = 1_000;
const WINDOW = 512;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const median = (values: number[]) => percentile(values, 50);

const log = (message: string) => process.stderr.write(`bench:events: ${message}\n`);

const samplePayload = (n: number) => ({
  order_id: n + 1,
  user_id: 3,
  status: 'pending',
  total_cents: 2598,
  currency: 'EUR',
  items: [{ product_id: 5, quantity: 2, unit_price_cents: 1299 }],
  placed_at: '2026-01-31T12:00:00.123456Z',
});
const SUBJECT = 'shop.orders.placed.v1';

async function publishAll(count: number, send: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await send(next++);
  };
  await Promise.all(Array.from({ length: WINDOW }, worker));
}

async function rawRates(js: JetStreamClient, nc: NatsConnectionManager, round: number) {
  const jsm = await jetstreamManager(await nc.connected());
  const stream = `BENCH_RAW_${round}`;
  await jsm.streams.add({ name: stream, subjects: [`raw${round}.>`] });
  const data = new TextEncoder().encode(JSON.stringify(samplePayload(1)));
  const publishStart = performance.now();
  await publishAll(RAW_EVENTS, (i) => js.publish(`raw${round}.orders.placed.v1`, data, { msgID: `raw-${i}` }));
  const rawPublish = perSecond(RAW_EVENTS, performance.now() - publishStart);
  log(`raw publish: ${rawPublish}/s`);

  await jsm.consumers.add(stream, { durable_name: 'raw', ack_policy: AckPolicy.Explicit, max_ack_pending: 10_000 });
  const consumer = await js.consumers.get(stream, 'raw');
  const consumeStart = performance.now();
  const messages = await consumer.consume({ max_messages: 1_000 });
  let received = 0;
  for await (const message of messages) {
    message.json(); // the transport parses every payload too
    message.ack();
    if (++received === RAW_EVENTS) break;
  }
  await messages.close();
  await (await nc.connected()).flush();
  const rawConsumeAck = perSecond(RAW_EVENTS, performance.now() - consumeStart);
  log(`raw consume+ack: ${rawConsumeAck}/s`);
  await jsm.streams.delete(stream);
  return { rawPublish, rawConsumeAck };
}

async function endToEnd(server: NatsServerHandle, round: number) {
  const database = tempSqlite('bench-e2e.sqlite');
  const dataSource = new DataSource(createDataSourceOptions({ url: database.url }));
  await dataSource.initialize();
  await dataSource.query(createInboxTableSql('better-sqlite3'));
  await dataSource.query('CREATE TABLE sales (id INTEGER PRIMARY KEY AUTOINCREMENT, order_id INTEGER NOT NULL, total_cents INTEGER NOT NULL)');
  const once = new IdempotentConsumer(dataSource);
  let handled = 0;
  let done!: () => void;
  const allHandled = new Promise<void>((resolve) => (done = resolve));

  @Controller()
  class SalesController {
    @JetStreamEvent(SUBJECT)
    async placed(@Payload() order: ReturnType<typeof samplePayload>, @Ctx() ctx: JetStreamContext) {
      const result = await once.run(ctx, (manager) =>
        manager.query('INSERT INTO sales (order_id, total_cents) VALUES (?, ?)', [order.order_id, order.total_cents]),
      );
      if (result.applied && ++handled === E2E_EVENTS) done();
    }
  }
  @Module({ controllers: [SalesController] })
  class SalesModule {}

  const nats = new NatsConnectionManager({ url: server.url, name: `bench-e2e-consumer-${round}` });
  const transport = new JetStreamServer({
    connection: nats,
    streams: [{ name: 'BENCH_E2E', subjects: ['shop.>'], duplicateWindowMs: 600_000 }],
    consumers: [{ stream: 'BENCH_E2E', durable: 'sales', filterSubjects: [SUBJECT], concurrency: 512 }],
  });
  const app = await NestFactory.createMicroservice(SalesModule, { strategy: transport, logger: ['error'] });
  app.useGlobalFilters(new JetStreamExceptionFilter());
  await app.listen();

  // The publisher has its own connection, as a publishing service would; it shares this event
  // loop with the consumer (a worker thread measured lower: on 2 cores it competes with
  // nats-server for CPU).
  const publisherNats = new NatsConnectionManager({ url: server.url, name: 'bench-e2e-publisher' });
  const publisherConnection = await publisherNats.connected();
  const publisher = new EventPublisher(() => publisherConnection);
  let publishedAt = 0;
  const start = performance.now();
  await Promise.all([publishAll(E2E_EVENTS, (i) => publisher.publish(SUBJECT, samplePayload(i))).then(() => (publishedAt = performance.now())), allHandled]);
  await publisherNats.close();
  const elapsed = performance.now() - start;
  const [{ n }] = (await dataSource.query('SELECT COUNT(*) AS n FROM sales')) as Array<{ n: number }>;
  if (Number(n) !== E2E_EVENTS) throw new Error(`expected ${E2E_EVENTS} sales rows, found ${n}`);
  const rate = perSecond(E2E_EVENTS, elapsed);
  log(`end to end: publishing took ${Math.round(publishedAt - start)} ms of ${Math.round(elapsed)} ms`);
  log(`end to end (publish → consume → idempotent SQLite write → ack): ${rate}/s`);
  await app.close();
  await (await jetstreamManager(await nats.connected())).streams.delete('BENCH_E2E');
  await nats.close();
  await dataSource.destroy();
  database.remove();
  return rate;
}

const OUTBOX_DDL = `CREATE TABLE offramp_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, event_id VARCHAR(36) NOT NULL UNIQUE, aggregate_type VARCHAR(64) NOT NULL,
  aggregate_id VARCHAR(64) NOT NULL, event_type VARCHAR(128) NOT NULL, payload TEXT NOT NULL, occurred_at DATETIME NOT NULL,
  published_at DATETIME NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NULL);
  CREATE INDEX offramp_outbox_published_at_id_index ON offramp_outbox (published_at, id);
  CREATE INDEX offramp_outbox_aggregate_index ON offramp_outbox (aggregate_type, aggregate_id, id);
  CREATE TABLE offramp_relay_leases (name VARCHAR(64) PRIMARY KEY, owner VARCHAR(191) NOT NULL, expires_at BIGINT NOT NULL);`;

async function relay(js: JetStreamClient, nats: NatsConnectionManager) {
  await provisionStreams(await jetstreamManager(await nats.connected()), [{ name: 'BENCH_RELAY', subjects: ['shop.>'], duplicateWindowMs: 600_000 }]);
  const database = tempSqlite('bench-outbox.sqlite');
  const writer = new BetterSqlite3(database.file);
  writer.pragma('journal_mode = WAL');
  writer.pragma('busy_timeout = 5000');
  writer.exec(OUTBOX_DDL);
  const insert = writer.prepare(
    'INSERT INTO offramp_outbox (event_id, aggregate_type, aggregate_id, event_type, payload, occurred_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const writeRows = writer.transaction((count: number, offset: number) => {
    for (let i = 0; i < count; i += 1) {
      const n = offset + i;
      insert.run(randomUUID(), 'order', String(n % 500), SUBJECT, JSON.stringify(samplePayload(n)), outboxTimestamp());
    }
  });
  const dataSource = new DataSource(createDataSourceOptions({ url: database.url }));
  await dataSource.initialize();
  let published = 0;
  let target = 0;
  let reached!: () => void;
  let progress = new Promise<void>((resolve) => (reached = resolve));
  const latencies: number[] = [];
  let measuring = false;
  const outbox = new OutboxRelay({
    dataSource,
    publisher: new EventPublisher(() => nats.connected()),
    batchSize: 500,
    onPublished: (row, ackedAt) => {
      published += 1;
      if (measuring) latencies.push(ackedAt - parseOutboxTimestamp(row.occurredAt));
      if (published === target) reached();
    },
  });

  // Throughput: a backlog of rows, drained as fast as the relay goes.
  writeRows(RELAY_ROWS, 0);
  target = RELAY_ROWS;
  const start = performance.now();
  outbox.start();
  await progress;
  const rowsPerSecond = perSecond(RELAY_ROWS, performance.now() - start);
  log(`relay backlog: ${rowsPerSecond} rows/s`);

  // Latency: rows committed at 1,000 rows/s (10 every 10 ms) while the relay runs.
  const total = LATENCY_RATE * LATENCY_SECONDS;
  progress = new Promise<void>((resolve) => (reached = resolve));
  target = RELAY_ROWS + total;
  measuring = true;
  const begin = performance.now();
  let written = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - begin) / 1_000) * LATENCY_RATE));
      if (due > written) {
        writeRows(due - written, RELAY_ROWS + written);
        written = due;
      }
      if (written >= total) return resolve();
      setTimeout(tick, 10);
    };
    tick();
  });
  await progress;
  const achievedRate = perSecond(total, performance.now() - begin);
  await outbox.stop();
  await dataSource.destroy();
  writer.close();
  database.remove();
  const p50 = Math.round(percentile(latencies, 50) * 10) / 10;
  const p99 = Math.round(percentile(latencies, 99) * 10) / 10;
  log(`relay at ${achievedRate} rows/s: commit-to-publish p50 ${p50} ms, p99 ${p99} ms`);
  return { rowsPerSecond, p50, p99, achievedRate };
}

async function main() {
  // stdout carries the table and the JSON line only; warnings and errors go to stderr.
  Logger.overrideLogger(['warn', 'error']);
  log('starting nats-server');
  const server = await startNatsServer();
  const nats = new NatsConnectionManager({ url: server.url, name: 'bench-events' });
  try {
    const nc = await nats.connected();
    const js = jetstream(nc);
    // Rounds alternate baseline and end to end so both see the same machine; medians are kept.
    const raws: Array<{ rawPublish: number; rawConsumeAck: number }> = [];
    const e2es: number[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      log(`round ${round} of ${ROUNDS}`);
      raws.push(await rawRates(js, nats, round));
      e2es.push(await endToEnd(server, round));
    }
    const raw = { rawPublish: median(raws.map((r) => r.rawPublish)), rawConsumeAck: median(raws.map((r) => r.rawConsumeAck)) };
    const e2e = median(e2es);
    const relayResult = await relay(js, nats);
    const ratio = e2e / raw.rawConsumeAck;
    process.stdout.write(
      `${table([
        ['measure', 'rate/s', 'note'],
        ['JetStream raw publish (baseline)', String(raw.rawPublish), `${RAW_EVENTS} msgs, ${WINDOW} in flight; median of ${ROUNDS}`],
        ['JetStream raw consume+ack (baseline)', String(raw.rawConsumeAck), `pull consumer, JSON parse, ack; median of ${ROUNDS}`],
        [
          'end to end',
          String(e2e),
          `${(ratio * 100).toFixed(0)}% of raw consume+ack (target ≥ 25%); ${E2E_EVENTS} events, publisher with its own connection; median of ${ROUNDS}`,
        ],
        ['outbox relay (backlog)', String(relayResult.rowsPerSecond), `${RELAY_ROWS} rows, SQLite`],
        [`relay commit-to-publish at ${relayResult.achievedRate} rows/s`, '', `p50 ${relayResult.p50} ms, p99 ${relayResult.p99} ms (target p99 < 100 ms)`],
      ])}\n`,
    );
    process.stdout.write(
      `${JSON.stringify({
        bench: 'events',
        rate: { raw_publish: raw.rawPublish, raw_consume_ack: raw.rawConsumeAck, end_to_end: e2e, relay_rows: relayResult.rowsPerSecond },
        relay_latency_ms: { p50: relayResult.p50, p99: relayResult.p99 },
      })}\n`,
    );
  } finally {
    await nats.close();
    await server.stop();
  }
}

await main();
