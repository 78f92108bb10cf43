import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startNatsServer, type NatsServerHandle } from '@offramp/testing';
import { MismatchStore, type MismatchRecord } from './mismatch-store.js';

// Sample retention on a real nats-server's JetStream: count per route and age, applied to a
// stream that already exists with other limits (a changed setting on the next start).
const mismatch = (routeId: string, requestId: string): MismatchRecord => ({
  routeId,
  at: new Date().toISOString(),
  requestId,
  method: 'GET',
  url: '/x',
  request: { headers: {} },
  differences: [{ key: 'status', legacy: 200, service: 500 }],
  legacy: { status: 200, headers: {}, body: '' },
  service: { status: 500, headers: {}, body: '' },
});

describe('mismatch sample retention on JetStream', () => {
  let nats: NatsServerHandle;
  let nc: NatsConnection;

  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connect({ servers: nats.url });
  }, 30_000);

  afterAll(async () => {
    await nc?.close();
    await nats?.stop();
  });

  it('keeps the newest N samples per route, and applies changed limits to the existing stream', async () => {
    const store = new MismatchStore('SPEC_SHADOW', { maxAgeSeconds: 3_600, perRoute: 3 });
    await store.open(nc);
    expect(await store.limits()).toEqual({ maxAgeSeconds: 3_600, perRoute: 3 });
    for (let index = 1; index <= 5; index++) await store.record(mismatch('GET /a', `a${index}`));
    for (let index = 1; index <= 2; index++) await store.record(mismatch('GET /b', `b${index}`));
    expect((await store.latest('GET /a', 10)).map((record) => record.requestId)).toEqual(['a3', 'a4', 'a5']);
    expect((await store.latest(undefined, 10)).map((record) => record.requestId)).toEqual(['a3', 'a4', 'a5', 'b1', 'b2']);

    // The next start, with other settings: the stream is updated, and the surplus goes at once.
    const restarted = new MismatchStore('SPEC_SHADOW', { maxAgeSeconds: 120, perRoute: 2 });
    await restarted.open(nc);
    expect(await restarted.limits()).toEqual({ maxAgeSeconds: 120, perRoute: 2 });
    expect((await restarted.latest('GET /a', 10)).map((record) => record.requestId)).toEqual(['a4', 'a5']);
  });

  it("finds a route's latest samples behind many newer ones of other routes", async () => {
    await (await jetstreamManager(nc)).streams.delete('SPEC_SHADOW'); // the stream's subjects are fixed: one such stream at a time
    const store = new MismatchStore('SPEC_SHADOW_BUSY', { maxAgeSeconds: 3_600, perRoute: 500 });
    await store.open(nc);
    for (let index = 1; index <= 4; index++) await store.record(mismatch('GET /quiet', `q${index}`));
    await Promise.all(Array.from({ length: 300 }, (_, index) => store.record(mismatch('GET /busy', `busy${index}`))));
    expect((await store.latest('GET /quiet', 3)).map((record) => record.requestId)).toEqual(['q2', 'q3', 'q4']);
    expect(await store.latest('GET /quiet', 3)).toHaveLength(3);
    expect((await store.latest(undefined, 2)).every((record) => record.routeId === 'GET /busy')).toBe(true);
  });
});
