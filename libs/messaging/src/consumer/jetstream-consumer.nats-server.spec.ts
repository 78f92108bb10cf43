import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { startNatsServer, tempSqlite, waitUntil, type NatsServerHandle, type TempSqlite } from '@offramp/testing';
import { countEffects, startEffectsConsumer, TEST_STREAM, type EffectsConsumer } from '../__fixtures__/effects-consumer.js';
import { NatsConnectionManager } from '../connection/nats-connection.manager.js';
import { DEAD_LETTER_STREAM } from '../jetstream/definitions.js';
import { EventHeader } from '../jetstream/event-headers.js';
import { provisionStreams } from '../jetstream/provisioner.js';
import { EventPublisher } from '../publisher/event-publisher.js';

describe('JetStream consumer transport against a real nats-server', () => {
  let server: NatsServerHandle;
  let database: TempSqlite;
  let publisherConnection: NatsConnectionManager;
  let publisher: EventPublisher;
  let consumer: EffectsConsumer | undefined;

  beforeEach(async () => {
    server = await startNatsServer();
    database = tempSqlite();
    publisherConnection = new NatsConnectionManager({ url: server.url, name: 'test-publisher' });
    const nc = await publisherConnection.connected();
    await provisionStreams(await jetstreamManager(nc), [TEST_STREAM]);
    publisher = new EventPublisher(() => nc, { timeoutMs: 2_000, retryForMs: 30_000 });
  });

  afterEach(async () => {
    await consumer?.close();
    consumer = undefined;
    await publisherConnection.close();
    await server.stop();
    database.remove();
  });

  const effectsDb = () => {
    if (!consumer) throw new Error('no consumer running');
    return consumer.dataSource;
  };

  async function publishMany(ids: string[], subject: string, window = 256, onProgress?: (done: number) => Promise<void> | void) {
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++];
        await publisher.publish(subject, { n: id }, { eventId: id });
        done += 1;
        await onProgress?.(done);
      }
    };
    await Promise.all(Array.from({ length: window }, worker));
  }

  it('handles every one of 10,000 events once when nats-server is killed -9 mid-run and restarted on its store', async () => {
    consumer = await startEffectsConsumer({
      natsUrl: server.url,
      databaseUrl: database.url,
      consumer: { stream: TEST_STREAM.name, durable: 'effects', filterSubjects: ['test.effects.recorded.v1'], ackWaitMs: 3_000, concurrency: 32 },
    });
    const ids = Array.from({ length: 10_000 }, () => randomUUID());
    let killed: Promise<void> | undefined;
    const firstPid = server.pid;
    let effectsWhenKilled = -1;
    await publishMany(ids, 'test.effects.recorded.v1', 256, (done) => {
      if (done === 4_000 && !killed) {
        killed = (async () => {
          effectsWhenKilled = (await countEffects(effectsDb())).total;
          await server.kill9();
          await new Promise((resolve) => setTimeout(resolve, 300));
          await server.restart();
        })();
      }
    });
    await killed;
    // The server really died mid-run: a new process, and the consumer was part-way through.
    expect(server.pid).not.toBe(firstPid);
    expect(effectsWhenKilled).toBeGreaterThan(0);
    expect(effectsWhenKilled).toBeLessThan(ids.length);
    const effects = await waitUntil(
      async () => {
        const counted = await countEffects(effectsDb());
        return counted.distinct === ids.length ? counted : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, description: '10,000 distinct effects' },
    );
    expect(effects).toEqual({ total: 10_000, distinct: 10_000 });

    const jsm = await jetstreamManager(await publisherConnection.connected());
    expect((await jsm.streams.info(TEST_STREAM.name)).state.messages).toBe(10_000);
    // Everything acked: nothing is waiting to be redelivered for a second effect.
    await waitUntil(
      async () => {
        const info = await jsm.consumers.info(TEST_STREAM.name, 'effects');
        return info.num_ack_pending === 0 && info.num_pending === 0;
      },
      { timeoutMs: 15_000, description: 'consumer fully acked' },
    );
    expect(await countEffects(consumer.dataSource)).toEqual({ total: 10_000, distinct: 10_000 });
  }, 120_000);

  it('stores one message when a publisher retries the same event id', async () => {
    const eventId = randomUUID();
    const first = await publisher.publish('test.effects.recorded.v1', { n: 1 }, { eventId });
    const second = await publisher.publish('test.effects.recorded.v1', { n: 1 }, { eventId });
    const third = await publisher.publish('test.effects.recorded.v1', { n: 1 }, { eventId });
    expect(first.duplicate).toBe(false);
    expect([second.duplicate, third.duplicate]).toEqual([true, true]);
    expect(second.seq).toBe(first.seq);
    const jsm = await jetstreamManager(await publisherConnection.connected());
    expect((await jsm.streams.info(TEST_STREAM.name)).state.messages).toBe(1);
  });

  it('dead-letters a poison payload with its reason and goes on with the next events', async () => {
    consumer = await startEffectsConsumer({
      natsUrl: server.url,
      databaseUrl: database.url,
      consumer: {
        stream: TEST_STREAM.name,
        durable: 'poison',
        filterSubjects: ['shop.orders.placed.v1'],
        concurrency: 1,
      },
    });
    const js = jetstream(await publisherConnection.connected());
    const poisonId = randomUUID();
    await js.publish('shop.orders.placed.v1', JSON.stringify({ order_id: 'seven' }), { msgID: poisonId });
    await js.publish('shop.orders.placed.v1', '{not json', { msgID: randomUUID() });
    const good = {
      order_id: 7,
      user_id: 1,
      status: 'pending',
      total_cents: 100,
      currency: 'EUR',
      items: [{ product_id: 1, quantity: 1, unit_price_cents: 100 }],
      placed_at: '2026-01-31T12:00:00.000000Z',
    };
    const goodId = randomUUID();
    await publisher.publish('shop.orders.placed.v1', good, { eventId: goodId });

    await waitUntil(async () => (await countEffects(effectsDb())).total === 1, { description: 'the good event handled' });
    const rows = (await consumer.dataSource.query('SELECT event_id FROM effects')) as Array<{ event_id: string }>;
    expect(rows.map((row) => row.event_id)).toEqual([goodId]);

    const jsm = await jetstreamManager(await publisherConnection.connected());
    await waitUntil(async () => (await jsm.streams.info(DEAD_LETTER_STREAM)).state.messages === 2, { description: 'two dead letters' });
    const first = await jsm.streams.getMessage(DEAD_LETTER_STREAM, { seq: 1 });
    expect(first?.subject).toBe('dlq.poison');
    expect(first?.header.get(EventHeader.originalSubject)).toBe('shop.orders.placed.v1');
    expect(first?.header.get(EventHeader.deadLetterReason)).toMatch(/does not match the schema of shop\.orders\.placed\.v1: order_id: /);
    expect(first?.header.get(EventHeader.msgId)).toBe('poison:TEST_EVENTS:1');
    expect(first?.string()).toBe(JSON.stringify({ order_id: 'seven' }));
    const second = await jsm.streams.getMessage(DEAD_LETTER_STREAM, { seq: 2 });
    expect(second?.header.get(EventHeader.deadLetterReason)).toMatch(/not JSON/);
  });

  it('dead-letters an event whose handler keeps failing after the last delivery, with the error', async () => {
    consumer = await startEffectsConsumer({
      natsUrl: server.url,
      databaseUrl: database.url,
      consumer: { stream: TEST_STREAM.name, durable: 'failing', filterSubjects: ['test.effects.failing.v1'], maxDeliver: 3, backoffBaseMs: 50 },
      behaviour: { failSubjects: new Set(['test.effects.failing.v1']) },
    });
    await publisher.publish('test.effects.failing.v1', { n: 1 }, { eventId: randomUUID() });
    const jsm = await jetstreamManager(await publisherConnection.connected());
    await waitUntil(async () => (await jsm.streams.info(DEAD_LETTER_STREAM).catch(() => undefined))?.state.messages === 1, {
      description: 'the failing event dead-lettered',
    });
    const letter = await jsm.streams.getMessage(DEAD_LETTER_STREAM, { seq: 1 });
    expect(letter?.header.get(EventHeader.deadLetterReason)).toBe('failed on delivery 3 of 3: boom on test.effects.failing.v1');
    expect(letter?.header.get(EventHeader.deliveries)).toBe('3');
    await waitUntil(async () => (await jsm.consumers.info(TEST_STREAM.name, 'failing')).num_ack_pending === 0, { description: 'termed' });
  });

  it('keeps a handler that runs longer than the ack wait alive: no redelivery', async () => {
    consumer = await startEffectsConsumer({
      natsUrl: server.url,
      databaseUrl: database.url,
      consumer: { stream: TEST_STREAM.name, durable: 'long', filterSubjects: ['test.effects.recorded.v1'], ackWaitMs: 600, handlerTimeoutMs: 10_000 },
      behaviour: { delayMs: 2_000 },
    });
    const eventId = randomUUID();
    await publisher.publish('test.effects.recorded.v1', { n: 1 }, { eventId });
    await waitUntil(async () => (await countEffects(effectsDb())).total === 1, { timeoutMs: 10_000, description: 'the long handler done' });
    const jsm = await jetstreamManager(await publisherConnection.connected());
    const info = await jsm.consumers.info(TEST_STREAM.name, 'long');
    expect(info.num_redelivered).toBe(0);
    expect(info.delivered.consumer_seq).toBe(1);
    expect(await countEffects(effectsDb())).toEqual({ total: 1, distinct: 1 });
  });

  it('redelivers an event whose handler hangs past its deadline, while the other events go on', async () => {
    const hungId = randomUUID();
    consumer = await startEffectsConsumer({
      natsUrl: server.url,
      databaseUrl: database.url,
      consumer: {
        stream: TEST_STREAM.name,
        durable: 'hang',
        filterSubjects: ['test.effects.recorded.v1'],
        concurrency: 4,
        handlerTimeoutMs: 1_000,
        backoffBaseMs: 50,
      },
      behaviour: { hangOnFirstDelivery: new Set([hungId]) },
    });
    await publisher.publish('test.effects.recorded.v1', { n: 0 }, { eventId: hungId });
    const others = Array.from({ length: 50 }, () => randomUUID());
    await publishMany(others, 'test.effects.recorded.v1', 8);

    // The others are all handled while the first delivery of the hung event is still hanging.
    await waitUntil(async () => (await countEffects(effectsDb())).distinct >= others.length, { description: 'the other events' });
    const early = (await consumer.dataSource.query('SELECT event_id FROM effects WHERE event_id = ?', [hungId])) as unknown[];
    expect(early).toHaveLength(0);

    await waitUntil(async () => (await countEffects(effectsDb())).distinct === others.length + 1, { description: 'the hung event redelivered' });
    const [hung] = (await consumer.dataSource.query('SELECT delivery FROM effects WHERE event_id = ?', [hungId])) as Array<{ delivery: number }>;
    expect(hung.delivery).toBe(2);
    expect(await countEffects(consumer.dataSource)).toEqual({ total: others.length + 1, distinct: others.length + 1 });
  });
});
