// Test fixture: the relay scenario every database runs: PHP writes rows while two relays run
// and nats-server is killed -9 and restarted; then each row must be in the stream once, in
// order per aggregate.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { startNatsServer, waitUntil, type NatsServerHandle } from '@offramp/testing';
import { DataSource } from 'typeorm';
import { createDataSourceOptions } from '@offramp/persistence';
import { NatsConnectionManager } from '../connection/nats-connection.manager.js';
import { eventsStream } from '../jetstream/definitions.js';
import { EventHeader } from '../jetstream/event-headers.js';
import { provisionStreams } from '../jetstream/provisioner.js';
import { OutboxRelay } from '../outbox-relay/outbox-relay.js';
import { EventPublisher } from '../publisher/event-publisher.js';
import { prepareLegacyDatabase, simulateShopTraffic } from './legacy-shop.js';

export interface RelayScenarioResult {
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

async function startRelay(server: NatsServerHandle, databaseUrl: string, name: string): Promise<Relay> {
  const dataSource = new DataSource(createDataSourceOptions({ url: databaseUrl, poolSize: 2, busyTimeoutMs: 15_000 }));
  await dataSource.initialize();
  const nats = new NatsConnectionManager({ url: server.url, name });
  const js = jetstream(await nats.connected());
  const handle: Relay = { dataSource, nats, published: 0, relay: undefined as unknown as OutboxRelay };
  handle.relay = new OutboxRelay({
    dataSource,
    publisher: new EventPublisher(() => js),
    batchSize: 50,
    publishTimeoutMs: 1_000,
    leaseTtlMs: 2_000,
    owner: name,
    onPublished: () => (handle.published += 1),
  });
  handle.relay.start();
  return handle;
}

export async function runRelayScenario(databaseUrl: string, options: { orders: number; priceChanges: number }): Promise<RelayScenarioResult> {
  await prepareLegacyDatabase(databaseUrl);
  const server = await startNatsServer();
  const relays: Relay[] = [];
  const admin = new NatsConnectionManager({ url: server.url, name: 'relay-test-admin' });
  const observer = new DataSource(createDataSourceOptions({ url: databaseUrl, poolSize: 1, busyTimeoutMs: 15_000 }));
  try {
    await observer.initialize();
    const stream = eventsStream({ name: 'RELAY_TEST', duplicateWindowMs: 600_000 });
    await provisionStreams(await jetstreamManager(await admin.connected()), [stream]);
    relays.push(await startRelay(server, databaseUrl, 'relay-a'), await startRelay(server, databaseUrl, 'relay-b'));

    const php = simulateShopTraffic(databaseUrl, options.orders, options.priceChanges);
    const jsm = await jetstreamManager(await admin.connected());
    const messagesNow = async () => (await jsm.streams.info(stream.name)).state.messages;
    const killedAtMessages = await waitUntil(async () => {
      const n = await messagesNow();
      return n >= 60 ? n : undefined;
    }, { timeoutMs: 60_000, description: 'the first 60 events relayed' });
    await server.kill9();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await server.restart();

    const exitCode = await php.exited;
    if (exitCode !== 0) throw new Error(`shop:simulate failed (${exitCode}): ${php.output()}`);
    const count = async (where: string) => Number(((await observer.query(`SELECT COUNT(*) AS n FROM offramp_outbox ${where}`)) as Array<{ n: number }>)[0].n);
    const rows = await count('');
    await waitUntil(async () => (await count('WHERE published_at IS NULL')) === 0, { timeoutMs: 60_000, intervalMs: 200, description: 'every row marked sent' });

    const ids = new Map<string, { id: number; aggregate: string }>();
    for (const row of (await observer.query('SELECT id, event_id, aggregate_type, aggregate_id FROM offramp_outbox')) as Array<Record<string, unknown>>) {
      ids.set(String(row['event_id']).trim(), { id: Number(row['id']), aggregate: `${String(row['aggregate_type'])}:${String(row['aggregate_id'])}` });
    }
    const info = await jsm.streams.info(stream.name);
    const lastId = new Map<string, number>();
    const outOfOrder: string[] = [];
    let msgIdMismatches = 0;
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq += 1) {
      const message = await jsm.streams.getMessage(stream.name, { seq });
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
    for (const relay of relays) {
      await relay.relay.stop();
      await relay.nats.close();
      await relay.dataSource.destroy();
    }
    if (observer.isInitialized) await observer.destroy();
    await admin.close();
    await server.stop();
  }
}
