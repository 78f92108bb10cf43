// The queue bridge on the monolith's own `jobs` / `failed_jobs` tables (its migration), with jobs
// dispatched by Laravel's own code (shop:simulate --dispatch-confirmations: PlaceOrder, then
// SendOrderConfirmation::dispatch through the OfframpDispatcher), a real nats-server, on SQLite,
// MariaDB and PostgreSQL.
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { createJobPayload, MODEL_IDENTIFIER, PhpObject, queueableProperties } from '@offramp/legacy-bridge';
import { createDataSourceOptions } from '@offramp/persistence';
import { artisan, scratchDatabase, startNatsServer, type NatsServerHandle, type ScratchDatabase } from '@offramp/testing';
import { DataSource } from 'typeorm';
import { NatsConnectionManager } from '../connection/nats-connection.manager.js';
import { eventsStream } from '../jetstream/definitions.js';
import { EventHeader } from '../jetstream/event-headers.js';
import { provisionStreams } from '../jetstream/provisioner.js';
import { EventPublisher } from '../publisher/event-publisher.js';
import { linearBackoff } from '../retry/backoff.js';
import { retryWithBackoff } from '../retry/retry-with-backoff.js';
import { DatabaseQueueDriver } from './database-queue-driver.js';
import { QueueBridge } from './queue-bridge.js';
import { dialectOf } from '../outbox/outbox-store.js';
import { laravelConnectionName, SEND_ORDER_CONFIRMATION, sendOrderConfirmationPayload } from './shop-jobs.js';

const SEND = 'App\\Jobs\\SendOrderConfirmation';
const SUBJECT = 'shop.jobs.send-order-confirmation.v1';

/** Publishes, then "dies" before deleting the rows. */
class DeleteLostDriver extends DatabaseQueueDriver {
  override async delete(): Promise<void> {
    // the rows stay, reserved
  }
}

interface JobMessage {
  order_id: number;
  job: { uuid: string; max_tries: number; queue: string; connection: string; attempts: number; payload: string };
}

describe.each(['sqlite', 'mariadb', 'postgres'] as const)('the queue bridge on %s', (kind) => {
  let database: ScratchDatabase;
  let server: NatsServerHandle;
  let nats: NatsConnectionManager;
  let jsm: JetStreamManager;
  let dataSources: DataSource[] = [];

  const dataSource = async () => {
    const ds = new DataSource(createDataSourceOptions({ url: database.url, poolSize: 2 }));
    await ds.initialize();
    dataSources.push(ds);
    return ds;
  };
  const bridgeOn = async (ds: DataSource, onBridged?: () => void, publishTimeoutMs = 5_000) =>
    new QueueBridge({
      driver: new DatabaseQueueDriver({ dataSource: ds }),
      publisher: new EventPublisher(() => nats.connected()),
      jobs: [SEND_ORDER_CONFIRMATION],
      batchSize: 50,
      publishTimeoutMs,
      onBridged,
    });
  const published = async (): Promise<Array<{ msgId: string; data: JobMessage }>> => {
    const js = jetstream(await nats.connected());
    const consumer = await js.consumers.get('OFFRAMP_EVENTS'); // ordered; the stream holds only this test's jobs
    const info = await jsm.streams.info('OFFRAMP_EVENTS', { subjects_filter: SUBJECT });
    const count = info.state.subjects?.[SUBJECT] ?? 0;
    const out: Array<{ msgId: string; data: JobMessage }> = [];
    while (out.length < count) {
      const batch = await consumer.fetch({ max_messages: count - out.length, expires: 2_000 });
      for await (const m of batch) out.push({ msgId: m.headers?.get(EventHeader.msgId) ?? '', data: m.json<JobMessage>() });
    }
    return out;
  };
  const rows = async (ds: DataSource, sql: string) => (await ds.query(sql)) as Array<Record<string, unknown>>;

  beforeAll(async () => {
    database = await scratchDatabase(kind, 'offramp_queue_bridge');
    await artisan(database.url, ['migrate', '--force']);
    await artisan(database.url, ['shop:seed', '--products=40', '--users=5', '--orders=0']);
    server = await startNatsServer();
    nats = new NatsConnectionManager({ url: server.url, name: 'queue-bridge-test' });
    jsm = await jetstreamManager(await nats.connected());
  }, 120_000);

  beforeEach(async () => {
    await provisionStreams(jsm, [eventsStream()]);
  });

  afterEach(async () => {
    await jsm.streams.delete('OFFRAMP_EVENTS');
    await dataSources[0]?.query('DELETE FROM jobs');
    await dataSources[0]?.query('DELETE FROM failed_jobs');
    for (const ds of dataSources) await ds.destroy();
    dataSources = [];
  });

  afterAll(async () => {
    await nats?.close();
    await server?.stop();
    await database?.drop();
  });

  it("publishes each job Laravel dispatched once, with its uuid as Nats-Msg-Id, and deletes the row after JetStream's ack", async () => {
    await artisan(database.url, ['shop:simulate', '--orders=12', '--dispatch-confirmations']);
    const ds = await dataSource();
    const queued = await rows(ds, `SELECT id, payload FROM jobs WHERE queue = 'offramp' ORDER BY id`);
    expect(queued).toHaveLength(12);
    const uuids = queued.map((row) => (JSON.parse(String(row.payload)) as { uuid: string }).uuid);

    const bridge = await bridgeOn(ds);
    expect(await bridge.drainOnce()).toBe(12);
    expect(await bridge.drainOnce()).toBe(0);
    expect(await rows(ds, 'SELECT id FROM jobs')).toEqual([]);

    const messages = await published();
    expect(messages.map((m) => m.msgId).sort()).toEqual([...uuids].sort());
    const orders = await rows(ds, 'SELECT id FROM orders ORDER BY id');
    expect(messages.map((m) => m.data.order_id).sort((a, b) => a - b)).toEqual(orders.map((o) => Number(o.id)));
    expect(messages[0].data.job).toMatchObject({ max_tries: 3, queue: 'offramp', connection: 'database', attempts: 0 });
    expect(queued.map((row) => String(row.payload))).toContain(messages[0].data.job.payload);
    // what a slice dispatches for an order is the job Laravel dispatched, but for the uuid
    const first = JSON.parse(String(queued[0].payload)) as { uuid: string; data: { command: string } };
    const orderId = Number(/s:2:"id";i:(\d+);/.exec(first.data.command)?.[1]);
    expect(sendOrderConfirmationPayload(orderId, laravelConnectionName(dialectOf(ds))).replace(/"uuid":"[^"]+"/, `"uuid":"${first.uuid}"`)).toBe(
      String(queued[0].payload),
    );
  }, 60_000);

  it('two bridges on one queue (and a crash before the delete) still store each job once', async () => {
    await artisan(database.url, ['shop:simulate', '--orders=150', '--dispatch-confirmations', '--seed=2']);
    const [a, b] = [await dataSource(), await dataSource()];
    const total = Number((await rows(a, `SELECT COUNT(*) AS n FROM jobs WHERE queue = 'offramp'`))[0].n);
    let bridged = 0;
    const bridges = [await bridgeOn(a, () => (bridged += 1)), await bridgeOn(b, () => (bridged += 1))];
    // one batch published but its rows not deleted: as if the process died right after the acks
    const driver = new DatabaseQueueDriver({ dataSource: a, retryAfterSeconds: 0 });
    const crashed = new QueueBridge({
      driver: new DeleteLostDriver({ dataSource: a }),
      publisher: new EventPublisher(() => nats.connected()),
      jobs: [SEND_ORDER_CONFIRMATION],
      batchSize: 10,
    });
    expect(await crashed.drainOnce()).toBe(10);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // the reservation is older than retry_after (0 s) after one second
    const retaking = new QueueBridge({
      driver,
      publisher: new EventPublisher(() => nats.connected()),
      jobs: [SEND_ORDER_CONFIRMATION],
      batchSize: 10,
      onBridged: () => (bridged += 1),
    });
    await retaking.drainOnce();
    for (let round = 0; round < 50; round += 1) {
      const counts = await Promise.all(bridges.map((bridge) => bridge.drainOnce()));
      if (counts.every((n) => n === 0)) break;
    }
    expect(await rows(a, 'SELECT id FROM jobs')).toEqual([]);
    expect(bridged).toBe(total); // every row reserved by exactly one live bridge
    const messages = await published();
    expect(messages).toHaveLength(total); // the crashed batch's second publish was dropped by JetStream
    expect(new Set(messages.map((m) => m.msgId)).size).toBe(total);
  }, 90_000);

  it('keeps the jobs when JetStream does not answer, and hands them on once it is back', async () => {
    await artisan(database.url, ['shop:simulate', '--orders=5', '--dispatch-confirmations', '--seed=3']);
    const ds = await dataSource();
    const bridge = await bridgeOn(ds, undefined, 500);
    await server.kill9();
    await expect(bridge.drainOnce()).rejects.toThrow(/not acknowledged by JetStream/);
    const waiting = await rows(ds, `SELECT reserved_at, attempts FROM jobs WHERE queue = 'offramp'`);
    expect(waiting).toHaveLength(5);
    expect(waiting.every((row) => row.reserved_at === null && Number(row.attempts) === 0)).toBe(true);
    await server.restart();
    // the stream survived in the server's store; wait (bounded) until the client has reconnected
    await retryWithBackoff(() => jsm.streams.info('OFFRAMP_EVENTS'), { backoff: linearBackoff({ stepMs: 200, maxMs: 1_000 }), retryForMs: 20_000 });
    let bridged = 0;
    for (let round = 0; round < 40 && bridged < 5; round += 1) bridged += await bridge.drainOnce().catch(() => 0);
    expect(bridged).toBe(5);
    expect(await published()).toHaveLength(5);
  }, 60_000);

  it("records unreadable jobs in failed_jobs with the reason (queue:failed lists them) and leaves other classes to PHP's workers", async () => {
    const ds = await dataSource();
    const driver = new DatabaseQueueDriver({ dataSource: ds });
    const good = createJobPayload({
      maxTries: 3,
      command: new PhpObject(SEND, {
        tries: 3,
        order: new PhpObject(MODEL_IDENTIFIER, { class: 'App\\Models\\Order', id: 1, relations: [], connection: null }),
        ...queueableProperties('offramp'),
      }),
    });
    const withStranger = JSON.parse(good) as { uuid: string; data: { command: string } };
    withStranger.uuid = crypto.randomUUID();
    withStranger.data.command = withStranger.data.command.replace(
      's:10:"middleware";a:0:{}',
      's:10:"middleware";a:1:{i:0;O:8:"stdClass":1:{s:3:"cmd";s:2:"rm";}}',
    );
    const notACommand = { ...(JSON.parse(good) as object), uuid: crypto.randomUUID(), job: 'App\\Listeners\\Audit@handle' };
    const otherClass = createJobPayload({ command: new PhpObject('App\\Jobs\\RecalculateProductPopularity', queueableProperties('offramp')) });
    for (const payload of ['{"uuid": "broken', JSON.stringify(withStranger), JSON.stringify(notACommand), otherClass])
      await driver.jobs.push('offramp', payload);

    const bridge = await bridgeOn(ds);
    expect(await bridge.drainOnce()).toBe(4);
    const failed = await rows(ds, 'SELECT uuid, connection, queue, payload, exception FROM failed_jobs ORDER BY id');
    expect(failed).toHaveLength(3);
    expect(failed.map((row) => String(row.exception).split(':')[0] + ':' + String(row.exception).split(':')[1])).toEqual([
      'Offramp\\QueueBridge\\UnreadableJob: corrupt_payload',
      'Offramp\\QueueBridge\\UnreadableJob: unexpected_class',
      'Offramp\\QueueBridge\\UnreadableJob: not_a_command',
    ]);
    expect(String(failed[1].exception)).toContain('stdClass');
    expect(failed.slice(1).map((row) => row.uuid)).toEqual([withStranger.uuid, notACommand.uuid]);
    expect(failed.every((row) => row.connection === 'database' && row.queue === 'offramp')).toBe(true);
    expect(failed[1].payload).toBe(JSON.stringify(withStranger));
    // the class that is not taken over waits for PHP on `default`, its attempt given back
    expect(await rows(ds, 'SELECT queue, attempts, reserved_at FROM jobs')).toEqual([{ queue: 'default', attempts: 0, reserved_at: null }]);
    expect(await published()).toEqual([]);
    const listed = await artisan(database.url, ['queue:failed']);
    for (const uuid of [withStranger.uuid, notACommand.uuid]) expect(listed).toContain(uuid);
  }, 60_000);
});
