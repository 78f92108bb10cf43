// npm run bench:events: JetStream raw publish and consume+ack (the baseline), end-to-end events/s
// through the Offramp consumer transport with an idempotent SQLite write, and the outbox relay's
// rows/s and commit-to-publish latency at 1,000 rows/s. Last line: one JSON object.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
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
import { CpuPerUnit } from './cpu.js';
import { RssPeaks, rssByLoad } from './rss.js';
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

/** The processes whose CPU time per event the bench reports: itself (publisher and consumer run here) and nats-server. */
const processes = (server: NatsServerHandle) => ({ bench: process.pid, 'nats-server': server.pid });
const describeCpu = (cpu: Record<string, number>) =>
  Object.entries(cpu)
    .map(([name, micros]) => `${name} ${micros}`)
    .join(', ');

/**
 * BENCH_CPU_PROFILE=<dir>: a V8 CPU profile of each end-to-end round alone (node --cpu-prof would
 * also hold the baseline, the start-up and the relay).
 */
async function startProfile() {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (!dir) return undefined;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(name: string) {
      const { profile } = await session.post('Profiler.stop');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
      session.disconnect();
      log(`CPU profile: ${join(dir, `${name}.cpuprofile`)}`);
    },
  };
}

async function publishAll(count: number, send: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await send(next++);
  };
  await Promise.all(Array.from({ length: WINDOW }, worker));
}

async function rawRates(server: NatsServerHandle, js: JetStreamClient, nc: NatsConnectionManager, round: number, memory: Memory) {
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
  const rss = new RssPeaks(processes(server)).start();
  const cpu = new CpuPerUnit(processes(server)).start();
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
  const rawCpu = cpu.stop(RAW_EVENTS);
  memory.peaks['raw consume+ack'] = maxOf(memory.peaks['raw consume+ack'], rss.stop());
  log(`raw consume+ack: ${rawConsumeAck}/s; CPU µs/event ${describeCpu(rawCpu)}`);
  await jsm.streams.delete(stream);
  return { rawPublish, rawConsumeAck, rawCpu };
}

/**
 * `live`: publish → consume → idempotent SQLite write → ack, the publisher running while the
 * consumer consumes (the figure the target is about). `backlog`: the same events published first,
 * then the consumer alone drains them, as the raw consume+ack baseline does: the consumer loop's
 * own cost against the bare client's.
 */
async function endToEnd(server: NatsServerHandle, round: number, mode: 'live' | 'backlog', memory: Memory) {
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

  const stream = { name: 'BENCH_E2E', subjects: ['shop.>'], duplicateWindowMs: 600_000 };
  const nats = new NatsConnectionManager({ url: server.url, name: `bench-e2e-consumer-${round}` });
  // The publisher has its own connection, as a publishing service would; it shares this event
  // loop with the consumer (a worker thread measured lower: on 2 cores it competes with
  // nats-server for CPU).
  const publisherNats = new NatsConnectionManager({ url: server.url, name: 'bench-e2e-publisher' });
  const publisherConnection = await publisherNats.connected();
  const publisher = new EventPublisher(() => publisherConnection);
  const publishEvents = () => publishAll(E2E_EVENTS, (i) => publisher.publish(SUBJECT, samplePayload(i)));
  if (mode === 'backlog') {
    await provisionStreams(await jetstreamManager(publisherConnection), [stream]);
    await publishEvents();
  }

  const transport = new JetStreamServer({
    connection: nats,
    streams: [stream],
    consumers: [{ stream: 'BENCH_E2E', durable: 'sales', filterSubjects: [SUBJECT], concurrency: 512 }],
  });
  const app = await NestFactory.createMicroservice(SalesModule, { strategy: transport, logger: ['error'] });
  app.useGlobalFilters(new JetStreamExceptionFilter());
  await app.listen();
  memory.idle ??= new RssPeaks(processes(server)).now();

  let publishedAt = 0;
  const profile = await startProfile();
  const rss = new RssPeaks(processes(server)).start();
  const cpu = new CpuPerUnit(processes(server)).start();
  const start = performance.now();
  await Promise.all([mode === 'live' ? publishEvents().then(() => (publishedAt = performance.now())) : undefined, allHandled]);
  const elapsed = performance.now() - start;
  const cpuPerEvent = cpu.stop(E2E_EVENTS);
  memory.peaks[mode === 'live' ? 'end to end' : 'consumer from a backlog'] = maxOf(
    memory.peaks[mode === 'live' ? 'end to end' : 'consumer from a backlog'],
    rss.stop(),
  );
  await profile?.stop(`events-${mode}-${round}`);
  await publisherNats.close();
  const [{ n }] = (await dataSource.query('SELECT COUNT(*) AS n FROM sales')) as Array<{ n: number }>;
  if (Number(n) !== E2E_EVENTS) throw new Error(`expected ${E2E_EVENTS} sales rows, found ${n}`);
  const rate = perSecond(E2E_EVENTS, elapsed);
  if (mode === 'live') {
    log(`end to end: publishing took ${Math.round(publishedAt - start)} ms of ${Math.round(elapsed)} ms`);
    log(`end to end (publish → consume → idempotent SQLite write → ack): ${rate}/s; CPU µs/event ${describeCpu(cpuPerEvent)}`);
  } else {
    log(`consumer from a backlog (consume → idempotent SQLite write → ack): ${rate}/s; CPU µs/event ${describeCpu(cpuPerEvent)}`);
  }
  await app.close();
  await (await jetstreamManager(await nats.connected())).streams.delete('BENCH_E2E');
  await nats.close();
  await dataSource.destroy();
  database.remove();
  return { rate, cpu: cpuPerEvent };
}

/** RSS of the bench's processes: idle once the consumer listens, and the peak of each load. */
interface Memory {
  idle?: Record<string, number>;
  peaks: Record<string, Record<string, number>>;
}

const maxOf = (a: Record<string, number> | undefined, b: Record<string, number>) =>
  Object.fromEntries(Object.entries(b).map(([name, mb]) => [name, Math.max(mb, a?.[name] ?? 0)]));

const OUTBOX_DDL = `CREATE TABLE offramp_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, event_id VARCHAR(36) NOT NULL UNIQUE, aggregate_type VARCHAR(64) NOT NULL,
  aggregate_id VARCHAR(64) NOT NULL, event_type VARCHAR(128) NOT NULL, payload TEXT NOT NULL, occurred_at DATETIME NOT NULL,
  published_at DATETIME NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NULL);
  CREATE INDEX offramp_outbox_published_at_id_index ON offramp_outbox (published_at, id);
  CREATE INDEX offramp_outbox_aggregate_index ON offramp_outbox (aggregate_type, aggregate_id, id);
  CREATE TABLE offramp_relay_leases (name VARCHAR(64) PRIMARY KEY, owner VARCHAR(191) NOT NULL, expires_at BIGINT NOT NULL);`;

async function relay(server: NatsServerHandle, js: JetStreamClient, nats: NatsConnectionManager, memory: Memory) {
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
  const rss = new RssPeaks(processes(server)).start();
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
  memory.peaks['outbox relay'] = rss.stop();
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
    const memory: Memory = { peaks: {} };
    // Rounds alternate baseline, end to end and the backlog so all see the same machine; medians are kept.
    const raws: Array<Awaited<ReturnType<typeof rawRates>>> = [];
    const lives: Array<Awaited<ReturnType<typeof endToEnd>>> = [];
    const backlogs: Array<Awaited<ReturnType<typeof endToEnd>>> = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      log(`round ${round} of ${ROUNDS}`);
      raws.push(await rawRates(server, js, nats, round, memory));
      lives.push(await endToEnd(server, round, 'live', memory));
      backlogs.push(await endToEnd(server, round, 'backlog', memory));
    }
    const raw = { rawPublish: median(raws.map((r) => r.rawPublish)), rawConsumeAck: median(raws.map((r) => r.rawConsumeAck)) };
    const e2e = median(lives.map((r) => r.rate));
    const backlog = median(backlogs.map((r) => r.rate));
    const cpu = {
      raw_consume_ack: medianCpu(raws.map((r) => r.rawCpu)),
      end_to_end: medianCpu(lives.map((r) => r.cpu)),
      consume_backlog: medianCpu(backlogs.map((r) => r.cpu)),
    };
    const relayResult = await relay(server, js, nats, memory);
    const ratio = e2e / raw.rawConsumeAck;
    const backlogRatio = backlog / raw.rawConsumeAck;
    const memoryTable = rssByLoad(memory.idle ?? {}, memory.peaks);
    const cpuNote = (figures: Record<string, number>) => `CPU µs/event: ${describeCpu(figures)}`;
    process.stdout.write(
      `${table([
        ['measure', 'rate/s', 'note'],
        ['JetStream raw publish (baseline)', String(raw.rawPublish), `${RAW_EVENTS} msgs, ${WINDOW} in flight; median of ${ROUNDS}`],
        [
          'JetStream raw consume+ack (baseline)',
          String(raw.rawConsumeAck),
          `pull consumer, JSON parse, ack; median of ${ROUNDS}; ${cpuNote(cpu.raw_consume_ack)}`,
        ],
        [
          'end to end',
          String(e2e),
          `${(ratio * 100).toFixed(0)}% of raw consume+ack (target ≥ 40%); ${E2E_EVENTS} events, publisher with its own connection in this process; median of ${ROUNDS}; ${cpuNote(cpu.end_to_end)}`,
        ],
        [
          'consumer from a backlog',
          String(backlog),
          `${(backlogRatio * 100).toFixed(0)}% of raw consume+ack; the same events published first, then consumed with the inbox write; median of ${ROUNDS}; ${cpuNote(cpu.consume_backlog)}`,
        ],
        ['outbox relay (backlog)', String(relayResult.rowsPerSecond), `${RELAY_ROWS} rows, SQLite`],
        [`relay commit-to-publish at ${relayResult.achievedRate} rows/s`, '', `p50 ${relayResult.p50} ms, p99 ${relayResult.p99} ms (target p99 < 100 ms)`],
      ])}\n\n${table(memoryTable.rows)}\n(bench: this process, where the publisher, the consumer and the relay run; nats-server: the server it started)\n`,
    );
    process.stdout.write(
      `${JSON.stringify({
        bench: 'events',
        rate: {
          raw_publish: raw.rawPublish,
          raw_consume_ack: raw.rawConsumeAck,
          end_to_end: e2e,
          relay_rows: relayResult.rowsPerSecond,
          consume_backlog: backlog,
        },
        relay_latency_ms: { p50: relayResult.p50, p99: relayResult.p99 },
        ratio: { end_to_end: round2(ratio), consume_backlog: round2(backlogRatio) },
        cpu_us_per_event: cpu,
        rss_mb: memoryTable.figures,
      })}\n`,
    );
  } finally {
    await nats.close();
    await server.stop();
  }
}

const round2 = (value: number) => Math.round(value * 100) / 100;
const medianCpu = (rounds: Array<Record<string, number>>) =>
  Object.fromEntries(Object.keys(rounds[0] ?? {}).map((name) => [name, Math.round(median(rounds.map((r) => r[name])) * 10) / 10]));

await main();
