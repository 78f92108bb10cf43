// The queue bridge on Laravel's redis queue (the machine's real Redis, a key prefix of its own as
// REDIS_PREFIX), jobs dispatched by Laravel's own code (QUEUE_CONNECTION=redis), a real
// nats-server, failed_jobs in the monolith's SQLite database.
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { randomBytes } from 'node:crypto';
import { createJobPayload, PhpObject, queueableProperties } from '@offramp/legacy-bridge';
import { createDataSourceOptions } from '@offramp/persistence';
import { artisan, startNatsServer, tempSqlite, type NatsServerHandle, type TempSqlite } from '@offramp/testing';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { NatsConnectionManager } from '../connection/nats-connection.manager.js';
import { eventsStream } from '../jetstream/definitions.js';
import { EventHeader } from '../jetstream/event-headers.js';
import { provisionStreams } from '../jetstream/provisioner.js';
import { EventPublisher } from '../publisher/event-publisher.js';
import { QueueBridge } from './queue-bridge.js';
import { RedisQueueDriver } from './redis-queue-driver.js';
import { SEND_ORDER_CONFIRMATION } from './shop-jobs.js';

describe('the queue bridge on the redis driver', () => {
  const prefix = `offramp_test_${randomBytes(4).toString('hex')}:`;
  let database: TempSqlite;
  let db: DataSource;
  let server: NatsServerHandle;
  let nats: NatsConnectionManager;
  let jsm: JetStreamManager;
  let redis: Redis;
  let bridge: QueueBridge;
  const redisEnv = { QUEUE_CONNECTION: 'redis', REDIS_PREFIX: prefix, REDIS_HOST: '127.0.0.1', REDIS_PORT: '6379' };

  const published = async () => {
    const info = await jsm.streams.info('OFFRAMP_EVENTS');
    const consumer = await jetstream(await nats.connected()).consumers.get('OFFRAMP_EVENTS');
    const out: Array<{ msgId: string; data: { order_id: number; job: { connection: string; attempts: number; payload: string } } }> = [];
    while (out.length < info.state.messages) {
      for await (const m of await consumer.fetch({ max_messages: info.state.messages - out.length, expires: 2_000 }))
        out.push({ msgId: m.headers?.get(EventHeader.msgId) ?? '', data: m.json() });
    }
    return out;
  };

  beforeAll(async () => {
    database = tempSqlite('redis-bridge.sqlite');
    await artisan(database.url, ['migrate', '--force']);
    await artisan(database.url, ['shop:seed', '--products=40', '--users=5', '--orders=0']);
    db = new DataSource(createDataSourceOptions({ url: database.url, poolSize: 1 }));
    await db.initialize();
    server = await startNatsServer();
    nats = new NatsConnectionManager({ url: server.url, name: 'redis-bridge-test' });
    jsm = await jetstreamManager(await nats.connected());
    redis = new Redis({ host: '127.0.0.1', port: 6379, keyPrefix: prefix, lazyConnect: true, maxRetriesPerRequest: 2 });
    await redis.connect();
    bridge = new QueueBridge({
      driver: new RedisQueueDriver({ redis, dataSource: db, retryAfterSeconds: 90 }),
      publisher: new EventPublisher(() => nats.connected()),
      jobs: [SEND_ORDER_CONFIRMATION],
    });
  }, 120_000);

  beforeEach(async () => {
    await provisionStreams(jsm, [eventsStream()]);
  });

  afterEach(async () => {
    await jsm.streams.delete('OFFRAMP_EVENTS');
  });

  afterAll(async () => {
    const keys = await redis?.keys(`${prefix}*`);
    if (keys?.length) await redis.del(...keys.map((key) => key.slice(prefix.length)));
    redis?.disconnect();
    await nats?.close();
    await server?.stop();
    await db?.destroy();
    database?.remove();
  });

  it("drains the jobs Laravel pushed onto queues:offramp (its prefix), deleting each reserved member after JetStream's ack", async () => {
    await artisan(database.url, ['shop:simulate', '--orders=8', '--dispatch-confirmations'], redisEnv);
    const pushed = await redis.lrange('queues:offramp', 0, -1);
    expect(pushed).toHaveLength(8);
    expect(await bridge.drainOnce()).toBe(8);
    const messages = await published();
    expect(messages.map((m) => m.msgId).sort()).toEqual(pushed.map((raw) => (JSON.parse(raw) as { uuid: string }).uuid).sort());
    expect(messages.every((m) => m.data.job.connection === 'redis' && m.data.job.attempts === 0)).toBe(true);
    expect(messages.map((m) => m.data.job.payload).sort()).toEqual([...pushed].sort());
    expect(await redis.llen('queues:offramp')).toBe(0);
    expect(await redis.zcard('queues:offramp:reserved')).toBe(0);
    expect(await redis.llen('queues:offramp:notify')).toBe(0);
  }, 60_000);

  it('migrates due delayed jobs and expired reservations first, as the worker does, and leaves the rest', async () => {
    await artisan(database.url, ['shop:simulate', '--orders=3', '--dispatch-confirmations', '--seed=2'], redisEnv);
    const [due, later, crashed] = await redis.lrange('queues:offramp', 0, -1);
    await redis.del('queues:offramp', 'queues:offramp:notify');
    const now = Math.floor(Date.now() / 1000);
    await redis.zadd('queues:offramp:delayed', now - 1, due, now + 3_600, later);
    // a reservation whose worker died: past retry_after, it comes back with its attempt counted
    const reserved = JSON.stringify({ ...(JSON.parse(crashed) as object), attempts: 1 });
    await redis.zadd('queues:offramp:reserved', now - 1, reserved);
    expect(await bridge.drainOnce()).toBe(2);
    const messages = await published();
    expect(messages.map((m) => m.data.job.attempts).sort()).toEqual([0, 1]);
    expect(await redis.zrange('queues:offramp:delayed', 0, -1)).toEqual([later]);
    expect(await redis.zcard('queues:offramp:reserved')).toBe(0);
    await redis.del('queues:offramp:delayed');
  }, 60_000);

  it('records an unreadable payload in failed_jobs and moves another class to PHP’s queue, losing neither', async () => {
    const other = createJobPayload({ command: new PhpObject('App\\Jobs\\RecalculateProductPopularity', queueableProperties('offramp')) });
    await redis.rpush('queues:offramp', '{"uuid":"not-json', other);
    expect(await bridge.drainOnce()).toBe(2);
    const failed = (await db.query('SELECT connection, queue, payload, exception FROM failed_jobs')) as Array<Record<string, string>>;
    expect(failed).toEqual([
      {
        connection: 'redis',
        queue: 'offramp',
        payload: '{"uuid":"not-json',
        exception: expect.stringMatching(/^Offramp\\QueueBridge\\UnreadableJob: corrupt_payload/),
      },
    ]);
    expect(await redis.lrange('queues:default', 0, -1)).toEqual([other]);
    expect(await redis.zcard('queues:offramp:reserved')).toBe(0);
    expect(await published()).toEqual([]);
  }, 60_000);
});
