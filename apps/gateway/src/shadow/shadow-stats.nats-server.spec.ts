import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startNatsServer, type NatsServerHandle } from '@offramp/testing';
import { ShadowStats } from './shadow-stats.js';

// The route list reads every route's shadow counts in one pass (totals): the same sums, over every
// replica, as asking route by route (total).
describe('shadow counts of every route at once, on a real nats-server', () => {
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

  it('sums each route over replicas as total() does', async () => {
    const one = new ShadowStats('spec_shadow_totals');
    const two = new ShadowStats('spec_shadow_totals');
    await one.open(nc);
    await two.open(nc);
    for (let index = 0; index < 3; index++) one.record('GET /a', { match: true, status: 200, authenticated: false });
    two.record('GET /a', { match: false, status: 500, authenticated: true });
    two.record('GET /a.b/:id', { match: true, status: 404, authenticated: false });
    await Promise.all([one.flush(), two.flush()]);

    const totals = await one.totals();
    expect([...totals.keys()].sort()).toEqual(['GET /a', 'GET /a.b/:id']);
    expect(totals.get('GET /a')).toEqual(await two.total('GET /a'));
    expect(totals.get('GET /a')).toMatchObject({ matches: 3, mismatches: 1, samples: 4, rate: 0.75 });
    expect(totals.get('GET /a.b/:id')).toEqual(await one.total('GET /a.b/:id'));
    one.close();
    two.close();
  });
});
