import { JetStreamApiCodes, JetStreamApiError, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { startNatsServer, type NatsServerHandle } from '@offramp/testing';
import { NatsConnectionManager } from '../connection/nats-connection.manager.js';
import { provisionConsumers, provisionStreams } from './provisioner.js';

const quiet = { log: () => undefined, warn: () => undefined } as never;

describe('provisioning streams and consumers on a real nats-server', () => {
  let server: NatsServerHandle;
  let nats: NatsConnectionManager;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    server = await startNatsServer();
    nats = new NatsConnectionManager({ url: server.url, name: 'provisioner-test' });
    jsm = await jetstreamManager(await nats.connected());
  });
  afterAll(async () => {
    await nats.close();
    await server.stop();
  });

  it('creates a missing durable consumer (JetStream answers consumer-not-found by code) and updates it on the next run', async () => {
    await provisionStreams(jsm, [{ name: 'PROV_CONSUMERS', subjects: ['provc.>'] }], quiet);
    const definition = { stream: 'PROV_CONSUMERS', durable: 'reader', filterSubjects: ['provc.a.v1'], maxDeliver: 3 };

    await provisionConsumers(jsm, [definition], quiet);
    expect((await jsm.consumers.info('PROV_CONSUMERS', 'reader')).config.max_deliver).toBe(3);

    await provisionConsumers(jsm, [{ ...definition, maxDeliver: 7 }], quiet);
    const { config } = await jsm.consumers.info('PROV_CONSUMERS', 'reader');
    expect(config.max_deliver).toBe(7);
    expect(config.filter_subject).toBe('provc.a.v1');
  });

  it('does not treat a missing stream as a missing consumer: the stream-not-found error reaches the caller', async () => {
    const error = await provisionConsumers(jsm, [{ stream: 'NO_SUCH_STREAM', durable: 'reader', filterSubjects: ['none.v1'] }], quiet).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JetStreamApiError);
    expect((error as JetStreamApiError).code).toBe(JetStreamApiCodes.StreamNotFound);
  });

  it('creates a missing stream (stream-not-found by code) and leaves an unchanged one alone', async () => {
    const definition = { name: 'PROV_STREAM', subjects: ['provs.>'], maxAgeMs: 600_000 };
    await provisionStreams(jsm, [definition], quiet);
    const created = await jsm.streams.info('PROV_STREAM');
    await provisionStreams(jsm, [definition], quiet);
    const again = await jsm.streams.info('PROV_STREAM');
    expect(again.config.max_age).toBe(600_000 * 1_000_000);
    expect(again.created).toBe(created.created);
  });
});
