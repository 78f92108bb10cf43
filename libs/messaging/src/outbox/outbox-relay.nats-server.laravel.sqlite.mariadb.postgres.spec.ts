// The outbox relay against the real Laravel monolith (apps/legacy writes the rows through its
// own code: php artisan shop:simulate), a real nats-server that is killed -9 mid-run, and two
// relays at once; on SQLite (lease), MariaDB and PostgreSQL (FOR UPDATE SKIP LOCKED).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { jetstreamManager } from '@nats-io/jetstream';
import {
  scratchDatabase,
  startNatsServer,
  startProcess,
  tempSqlite,
  waitUntil,
  workspaceRoot,
  type ManagedProcess,
  type NatsServerHandle,
  type ScratchDatabase,
  type TempSqlite,
} from '@offramp/testing';
import { DataSource } from 'typeorm';
import { createDataSourceOptions, runMigrationsLocked, sliceMigrationsTable } from '@offramp/persistence';
import { NatsConnectionManager } from '../connection/nats-connection.manager.js';
import { eventsStream } from '../jetstream/definitions.js';
import { EventHeader } from '../jetstream/event-headers.js';
import { provisionStreams } from '../jetstream/provisioner.js';
import { EventPublisher } from '../publisher/event-publisher.js';
import { RELAY_MIGRATIONS } from '../migrations.js';
import { OutboxRelay } from './outbox-relay.js';
import type { OutboxRow } from './outbox-row.js';
import { dialectOf, OutboxSql } from './outbox-store.js';

const run = promisify(execFile);
const legacy = () => join(workspaceRoot(), 'apps/legacy');
const TEST_APP_KEY = 'base64:2fl+Ktvkfl+Fuz4Qp/A75G2RTiWVA/ZoKZvp6fiiM10=';

function legacyEnv(databaseUrl: string): NodeJS.ProcessEnv {
  return { ...process.env, DATABASE_URL: databaseUrl, APP_KEY: TEST_APP_KEY, APP_ENV: 'testing', LOG_CHANNEL: 'null', CACHE_DRIVER: 'array' };
}

/** Runs the monolith's migrations and a small seed on the database. */
async function prepareLegacyDatabase(databaseUrl: string, products = 40): Promise<void> {
  const options = { cwd: legacy(), env: legacyEnv(databaseUrl), timeout: 60_000 };
  await run('php', ['artisan', 'migrate', '--force', '--no-interaction'], options);
  await run('php', ['artisan', 'shop:seed', '--no-interaction', `--products=${products}`, '--users=5', '--orders=0'], options);
}

/** `php artisan shop:simulate`: orders and price edits through PlaceOrder / AdminProductController. */
function simulateShopTraffic(databaseUrl: string, orders: number, priceChanges: number, seed = 1): ManagedProcess {
  return startProcess('php', ['artisan', 'shop:simulate', `--orders=${orders}`, `--price-changes=${priceChanges}`, `--seed=${seed}`], {
    cwd: legacy(),
    env: legacyEnv(databaseUrl),
  });
}

interface RelayScenarioResult {
  rows: number;
  messages: number;
  publishedByEach: number[];
  outOfOrder: string[];
  msgIdMismatches: number;
  killedAtMessages: number;
}

interface Relay {
  relay: OutboxRelay;
  dataSource: DataSource;
  nats: NatsConnectionManager;
  published: number;
}

async function startRelay(server: NatsServerHandle, databaseUrl: string, name: string, idlePollMs?: [number, number]): Promise<Relay> {
  const dataSource = new DataSource(createDataSourceOptions({ url: databaseUrl, poolSize: 2, busyTimeoutMs: 15_000 }));
  await dataSource.initialize();
  const nats = new NatsConnectionManager({ url: server.url, name });
  const handle: Relay = { dataSource, nats, published: 0, relay: undefined as unknown as OutboxRelay };
  handle.relay = new OutboxRelay({
    dataSource,
    publisher: new EventPublisher(() => nats.connected()),
    batchSize: 50,
    publishTimeoutMs: 1_000,
    leaseTtlMs: 2_000,
    idlePollMs,
    owner: name,
    onPublished: () => (handle.published += 1),
  });
  handle.relay.start();
  return handle;
}

/** Stops the relays (each marks its batch in hand and gives up its lease), then what the test started. */
async function stopAll(relays: Relay[], observer: DataSource, admin: NatsConnectionManager, server: NatsServerHandle): Promise<void> {
  for (const relay of relays) {
    await relay.relay.stop();
    await relay.nats.close();
    await relay.dataSource.destroy();
  }
  if (observer.isInitialized) await observer.destroy();
  await admin.close();
  await server.stop();
}

async function runRelayScenario(databaseUrl: string, options: { orders: number; priceChanges: number }): Promise<RelayScenarioResult> {
  await prepareLegacyDatabase(databaseUrl);
  const server = await startNatsServer();
  const relays: Relay[] = [];
  const admin = new NatsConnectionManager({ url: server.url, name: 'relay-test-admin', asyncTraces: true });
  const observer = new DataSource(
    createDataSourceOptions({
      url: databaseUrl,
      poolSize: 1,
      busyTimeoutMs: 15_000,
      migrations: RELAY_MIGRATIONS,
      migrationsTableName: sliceMigrationsTable('relay_test'),
    }),
  );
  try {
    await observer.initialize();
    // The lease table (SQLite), as the slice that runs the relay migrates it.
    await runMigrationsLocked(observer);
    const stream = eventsStream({ name: 'RELAY_TEST', duplicateWindowMs: 600_000 });
    await provisionStreams(await jetstreamManager(await admin.connected()), [stream]);
    relays.push(await startRelay(server, databaseUrl, 'relay-a'), await startRelay(server, databaseUrl, 'relay-b'));

    const php = simulateShopTraffic(databaseUrl, options.orders, options.priceChanges);
    const jsm = await jetstreamManager(await admin.connected());
    const messagesNow = async () => (await jsm.streams.info(stream.name)).state.messages;
    const killedAtMessages = await waitUntil(
      async () => {
        const n = await messagesNow();
        return n >= 60 ? n : undefined;
      },
      { timeoutMs: 60_000, description: 'the first 60 events relayed' },
    );
    await server.kill9();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await server.restart();

    const exitCode = await php.exited;
    if (exitCode !== 0) throw new Error(`shop:simulate failed (${exitCode}): ${php.output()}`);
    const count = async (where: string) => Number(((await observer.query(`SELECT COUNT(*) AS n FROM offramp_outbox ${where}`)) as Array<{ n: number }>)[0].n);
    const rows = await count('');
    await waitUntil(async () => (await count('WHERE published_at IS NULL')) === 0, {
      timeoutMs: 60_000,
      intervalMs: 200,
      description: 'every row marked sent',
    });

    const ids = new Map<string, { id: number; aggregate: string }>();
    for (const row of (await observer.query('SELECT id, event_id, aggregate_type, aggregate_id FROM offramp_outbox')) as Array<Record<string, unknown>>) {
      ids.set(String(row['event_id']).trim(), { id: Number(row['id']), aggregate: `${String(row['aggregate_type'])}:${String(row['aggregate_id'])}` });
    }
    // A request in flight when the server was killed gets no answer: read with retries.
    const info = await waitUntil(() => jsm.streams.info(stream.name), { timeoutMs: 20_000, description: 'stream info' });
    const lastId = new Map<string, number>();
    const outOfOrder: string[] = [];
    let msgIdMismatches = 0;
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq += 1) {
      const message = await waitUntil(() => jsm.streams.getMessage(stream.name, { seq }), { timeoutMs: 20_000, description: `message ${seq}` });
      const eventId = message?.header.get(EventHeader.msgId) ?? '';
      const row = ids.get(eventId);
      if (!row || message?.header.get(EventHeader.eventId) !== eventId) {
        msgIdMismatches += 1;
        continue;
      }
      const previous = lastId.get(row.aggregate) ?? 0;
      if (row.id < previous) outOfOrder.push(`${row.aggregate}: row ${row.id} after ${previous}`);
      lastId.set(row.aggregate, row.id);
    }
    return { rows, messages: info.state.messages, publishedByEach: relays.map((r) => r.published), outOfOrder, msgIdMismatches, killedAtMessages };
  } finally {
    await stopAll(relays, observer, admin, server);
  }
}

const expectEachRowOnceInOrder = (result: RelayScenarioResult) => {
  expect(result.rows).toBe(250 * 2 + 50);
  expect(result.killedAtMessages).toBeLessThan(result.rows);
  expect(result.messages).toBe(result.rows);
  expect(result.msgIdMismatches).toBe(0);
  expect(result.outOfOrder).toEqual([]);
};

describe('outbox relay on SQLite with rows written by the Laravel app', () => {
  let database: TempSqlite;
  beforeAll(() => (database = tempSqlite('shop.sqlite')));
  afterAll(() => database.remove());

  it('publishes each row once, in order per aggregate, through a nats-server kill -9 and with two relays', async () => {
    const result = await runRelayScenario(database.url, { orders: 250, priceChanges: 50 });
    expectEachRowOnceInOrder(result);
    // One lease holder at a time on SQLite; between them they published everything.
    expect(result.publishedByEach.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(result.rows);
  }, 120_000);
});

describe('outbox relay on SQLite, idle beside the monolith', () => {
  let database: TempSqlite;
  beforeAll(() => (database = tempSqlite('idle.sqlite')));
  afterAll(() => database.remove());

  // Each commit of another connection to the monolith's file fails a PHP transaction that read
  // before it and writes after it (SQLite's WAL snapshot; no busy timeout waits for that): Laravel's
  // database queue deleting a finished job, a request's DB::transaction. An idle relay must not
  // commit on every poll.
  it('commits to the monolith database only to renew its lease, at half its TTL, and still relays what comes', async () => {
    await prepareLegacyDatabase(database.url, 5);
    const server = await startNatsServer();
    const admin = new NatsConnectionManager({ url: server.url, name: 'relay-idle-admin' });
    const observer = new DataSource(
      createDataSourceOptions({ url: database.url, poolSize: 1, migrations: RELAY_MIGRATIONS, migrationsTableName: sliceMigrationsTable('relay_test') }),
    );
    const relays: Relay[] = [];
    try {
      await observer.initialize();
      await runMigrationsLocked(observer);
      await provisionStreams(await jetstreamManager(await admin.connected()), [eventsStream({ name: 'RELAY_IDLE_TEST' })]);
      // Polling every 20 ms at most, the lease lasting 2 s: renewed once a second.
      relays.push(await startRelay(server, database.url, 'idle-a', [5, 20]), await startRelay(server, database.url, 'idle-b', [5, 20]));
      const owner = async () => ((await observer.query(`SELECT owner FROM offramp_relay_leases`)) as Array<{ owner: string }>)[0]?.owner ?? '';
      const holder = await waitUntil(async () => (await owner()) || undefined, { timeoutMs: 10_000, description: 'a relay holding the lease' });
      // PRAGMA data_version moves with each commit of another connection; read every 10 ms for 1.5 s.
      const version = async () => Number(((await observer.query('PRAGMA data_version')) as Array<{ data_version: number }>)[0].data_version);
      let last = await version();
      let commits = 0;
      for (const end = Date.now() + 1_500; Date.now() < end;) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        const now = await version();
        if (now !== last) [commits, last] = [commits + 1, now];
      }
      expect(commits).toBeLessThanOrEqual(2);
      expect(await owner()).toBe(holder);

      const php = simulateShopTraffic(database.url, 2, 1);
      expect(await php.exited).toBe(0);
      const unsent = async () =>
        Number(((await observer.query('SELECT COUNT(*) AS n FROM offramp_outbox WHERE published_at IS NULL')) as Array<{ n: number }>)[0].n);
      await waitUntil(async () => (await unsent()) === 0, { timeoutMs: 20_000, intervalMs: 100, description: 'the new rows relayed' });
      expect(relays.reduce((total, relay) => total + relay.published, 0)).toBeGreaterThan(0);
    } finally {
      await stopAll(relays, observer, admin, server);
    }
  }, 120_000);
});

describe.each([
  ['MariaDB', 'mariadb' as const],
  ['PostgreSQL', 'postgres' as const],
])('outbox relay on %s with rows written by the Laravel app', (_name, kind) => {
  let database: ScratchDatabase;
  beforeAll(async () => (database = await scratchDatabase(kind, 'offramp_relay')));
  afterAll(async () => database?.drop());

  it('publishes each row once, in order per aggregate, through a nats-server kill -9 and with two relays', async () => {
    const result = await runRelayScenario(database.url, { orders: 250, priceChanges: 50 });
    expectEachRowOnceInOrder(result);
    expect(result.publishedByEach.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(result.rows);
  }, 120_000);

  it('lets a second relay skip the rows the first one holds, and hold back later rows of their aggregates', async () => {
    const server = await startNatsServer();
    const nats = new NatsConnectionManager({ url: server.url, name: 'relay-b' });
    const first = new DataSource(createDataSourceOptions({ url: database.url, poolSize: 1 }));
    const second = new DataSource(createDataSourceOptions({ url: database.url, poolSize: 1 }));
    try {
      await first.initialize();
      await second.initialize();
      await provisionStreams(await jetstreamManager(await nats.connected()), [eventsStream({ name: 'SKIP_TEST' })]);
      // Fresh rows from the app (migrate and seed skip what is there already).
      await prepareLegacyDatabase(database.url);
      await second.query('UPDATE offramp_outbox SET published_at = occurred_at WHERE published_at IS NULL');
      const php = simulateShopTraffic(database.url, 40, 10, 2);
      expect(await php.exited).toBe(0);

      const holder = first.createQueryRunner();
      await holder.startTransaction('READ COMMITTED');
      const sql = new OutboxSql(dialectOf(first));
      const held = await sql.nextBatch(holder, 15);
      expect(held).toHaveLength(15);

      const published: OutboxRow[] = [];
      const relay = new OutboxRelay({
        dataSource: second,
        publisher: new EventPublisher(() => nats.connected()),
        batchSize: 100,
        onPublished: (row) => published.push(row),
      });
      expect(await relay.relayBatch()).toBeGreaterThan(0);

      const heldIds = new Set(held.map((row) => row.id));
      const firstHeld = new Map<string, number>();
      for (const row of held) {
        const key = `${row.aggregateType}:${row.aggregateId}`;
        firstHeld.set(key, Math.min(firstHeld.get(key) ?? row.id, row.id));
      }
      expect(published.filter((row) => heldIds.has(row.id))).toEqual([]);
      expect(published.filter((row) => (firstHeld.get(`${row.aggregateType}:${row.aggregateId}`) ?? Infinity) < row.id)).toEqual([]);
      // Some rows were held back behind the held ones (not only the held ones are left).
      const [{ left }] = (await second.query('SELECT COUNT(*) AS "left" FROM offramp_outbox WHERE published_at IS NULL')) as Array<{ left: number }>;
      expect(Number(left)).toBeGreaterThan(held.length);

      await holder.rollbackTransaction();
      await holder.release();
      // Once the first relay lets go, the rest goes out.
      while ((await relay.relayBatch()) > 0);
      const [{ n }] = (await second.query('SELECT COUNT(*) AS n FROM offramp_outbox WHERE published_at IS NULL')) as Array<{ n: number }>;
      expect(Number(n)).toBe(0);
    } finally {
      await first.destroy();
      await second.destroy();
      await nats.close();
      await server.stop();
    }
  }, 60_000);
});
