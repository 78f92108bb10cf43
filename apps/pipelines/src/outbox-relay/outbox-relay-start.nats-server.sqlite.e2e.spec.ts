import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { NatsConnectionManager } from '@offramp/messaging';
import { startNatsServer, startService, tempSqlite, waitUntil, type NatsServerHandle, type ServiceProcess, type TempSqlite } from '@offramp/testing';

const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern.source, 'g'))?.length ?? 0;

/**
 * The relay's start in the pipelines process while things are not ready (real nats-server, SQLite
 * file without the monolith's tables): it keeps declaring its streams while JetStream refuses
 * them, and stops on SIGTERM while it waits; once they are declared it says that the outbox table
 * is missing (asked of the schema) instead of failing obscurely.
 */
describe('pipelines starting its relay before JetStream and the database are ready', () => {
  let server: NatsServerHandle;
  let nats: NatsConnectionManager;
  let jsm: JetStreamManager;
  let database: TempSqlite;
  let pipelines: ServiceProcess | undefined;

  beforeAll(async () => {
    server = await startNatsServer();
    nats = new NatsConnectionManager({ url: server.url, name: 'pipelines-start-test' });
    jsm = await jetstreamManager(await nats.connected());
    database = tempSqlite('empty.sqlite');
  });
  afterEach(async () => {
    await pipelines?.stop('SIGKILL');
    pipelines = undefined;
    await jsm.streams.delete('SQUATTER').catch(() => undefined);
  });
  afterAll(async () => {
    await nats?.close();
    await server?.stop();
    database?.remove();
  });

  // A stream that already holds shop.> makes JetStream refuse OFFRAMP_EVENTS (overlapping subjects).
  const squat = () => jsm.streams.add({ name: 'SQUATTER', subjects: ['shop.>'] });
  const start = () => startService({ app: 'pipelines', env: { DATABASE_URL: database.url, NATS_URL: server.url, LOG_LEVEL: 'warn' } });

  it('retries the stream declaration until JetStream takes it, then says the outbox table is missing', async () => {
    await squat();
    const service = (pipelines = await start());
    await waitUntil(() => count(service.output(), /declaring streams failed .*; retrying/) >= 2, {
      timeoutMs: 20_000,
      description: 'two refused declarations',
    });
    await jsm.streams.delete('SQUATTER');

    await waitUntil(() => jsm.streams.info('OFFRAMP_EVENTS').then(() => true), { timeoutMs: 20_000, description: 'OFFRAMP_EVENTS declared' });
    await waitUntil(() => service.output().includes("relay waits: the offramp_outbox table is missing; run the monolith's migrations"), {
      timeoutMs: 20_000,
      description: 'the missing-table hint',
    });
    expect(await service.stop('SIGTERM')).toBe(0);
  }, 60_000);

  it('stops on SIGTERM while it is still retrying, without reporting that as a failed start', async () => {
    await jsm.streams.delete('OFFRAMP_EVENTS').catch(() => undefined);
    await squat();
    const service = (pipelines = await start());
    await waitUntil(() => count(service.output(), /declaring streams failed .*; retrying/) >= 1, { timeoutMs: 20_000, description: 'a refused declaration' });
    expect(await service.stop('SIGTERM')).toBe(0);
    expect(service.output()).not.toMatch(/outbox relay did not start/);
    await expect(jsm.streams.info('OFFRAMP_EVENTS')).rejects.toThrow();
  }, 60_000);
});
