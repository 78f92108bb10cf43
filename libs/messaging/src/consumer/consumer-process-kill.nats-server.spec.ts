import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import {
  startNatsServer,
  startProcess,
  tempSqlite,
  waitUntil,
  workspaceRoot,
  type ManagedProcess,
  type NatsServerHandle,
  type TempSqlite,
} from '@offramp/testing';
import type { DataSource } from 'typeorm';
import { countEffects, openEffectsDatabase, TEST_STREAM } from '../__fixtures__/effects-consumer.js';
import { NatsConnectionManager } from '../connection/nats-connection.manager.js';
import { provisionStreams } from '../jetstream/provisioner.js';
import { EventPublisher } from '../publisher/event-publisher.js';

// The consumer runs as its own process (the fixture's build output: `nx run messaging:test`
// builds it first) so the test can kill -9 it in the middle of a batch.
// Built by the project's build-fixtures target (dist-test/): fixtures are not part of the library's dist.
const fixture = join(workspaceRoot(), 'libs/messaging/dist-test/__fixtures__/consumer-process.js');

describe('a consumer process killed -9 mid-batch', () => {
  let server: NatsServerHandle;
  let database: TempSqlite;
  let nats: NatsConnectionManager;
  let observer: DataSource;
  const children: ManagedProcess[] = [];

  beforeAll(async () => {
    if (!existsSync(fixture)) throw new Error(`${fixture} is missing: run \`npx nx run messaging:build\` (nx run messaging:test does)`);
    server = await startNatsServer();
    database = tempSqlite();
    nats = new NatsConnectionManager({ url: server.url, name: 'test-publisher' });
    await provisionStreams(await jetstreamManager(await nats.connected()), [TEST_STREAM]);
    observer = await openEffectsDatabase(database.url);
  });

  afterAll(async () => {
    for (const child of children) await child.stop('SIGKILL');
    await observer?.destroy();
    await nats?.close();
    await server?.stop();
    database?.remove();
  });

  const startConsumer = async () => {
    const child = startProcess(process.execPath, [fixture], {
      env: { ...process.env, NATS_URL: server.url, DATABASE_URL: database.url, DURABLE: 'killed', DELAY_MS: '15', ACK_WAIT_MS: '2000' },
    });
    children.push(child);
    await waitUntil(() => child.output().includes('consumer ready') || (!child.isRunning() && Promise.reject(new Error(child.output()))), {
      timeoutMs: 20_000,
      description: 'consumer process ready',
    });
    return child;
  };

  it('gets its unfinished events redelivered to the next process, each handled once', async () => {
    const publisher = new EventPublisher(() => nats.connected(), { timeoutMs: 2_000 });
    const ids = Array.from({ length: 600 }, () => randomUUID());
    await Promise.all(ids.map((id) => publisher.publish('test.effects.recorded.v1', { id }, { eventId: id })));

    const first = await startConsumer();
    await waitUntil(async () => (await countEffects(observer)).total >= 100, { timeoutMs: 20_000, description: '100 effects' });
    await first.stop('SIGKILL');
    const atKill = await countEffects(observer);
    expect(atKill.total).toBeLessThan(ids.length);

    await startConsumer();
    const effects = await waitUntil(
      async () => {
        const counted = await countEffects(observer);
        return counted.distinct === ids.length ? counted : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, description: 'every event handled' },
    );
    expect(effects).toEqual({ total: ids.length, distinct: ids.length });
    // What the killed process had pulled but not acked came back as a redelivery.
    const [redelivered] = (await observer.query('SELECT COUNT(*) AS n FROM effects WHERE delivery > 1')) as Array<{ n: number }>;
    expect(Number(redelivered.n)).toBeGreaterThan(0);
    const jsm = await jetstreamManager(await nats.connected());
    await waitUntil(async () => (await jsm.consumers.info(TEST_STREAM.name, 'killed')).num_ack_pending === 0, { description: 'all acked' });
    expect(await countEffects(observer)).toEqual({ total: ids.length, distinct: ids.length });
  }, 90_000);
});
