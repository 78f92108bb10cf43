import { connect, type NatsConnection } from '@nats-io/transport-node';
import { importRouteList } from '@offramp/legacy-bridge';
import { startNatsServer, waitUntil, type NatsServerHandle } from '@offramp/testing';
import { ShadowStats } from '../shadow/shadow-stats.js';
import { InvalidRoute, PromotionRefused, RevisionConflict, RouteNotFound } from './route-errors.js';
import { RouteLifecycle } from './route-lifecycle.js';
import type { RouteSpecInput, RouteState } from './route-spec.js';
import { RouteStore } from './route-store.js';

// The lifecycle on the parts it runs on in production: the route bucket (NATS KV) and the shadow
// counts of two replicas in the stats bucket, on a real nats-server.
const actor = { by: 'spec', reason: 'lifecycle spec' };
const ORDERS = 'GET|HEAD /api/orders/:id';

describe('route lifecycle on NATS KV: promotion gate, force, rollback, import', () => {
  let nats: NatsServerHandle;
  let nc: NatsConnection;
  let store: RouteStore;
  let replicaA: ShadowStats;
  let replicaB: ShadowStats;
  let lifecycle: RouteLifecycle;

  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connect({ servers: nats.url });
    store = new RouteStore('spec_routes', 16, () => undefined);
    await store.open(nc);
    replicaA = new ShadowStats('spec_stats');
    replicaB = new ShadowStats('spec_stats');
    await Promise.all([replicaA.open(nc), replicaB.open(nc)]);
    lifecycle = new RouteLifecycle(store, replicaA);
  }, 30_000);

  afterAll(async () => {
    replicaA?.close();
    replicaB?.close();
    store?.close();
    await nc?.close();
    await nats?.stop();
  });

  /** Writes a route and waits until this replica's table shows it (the store applies what its watcher delivers). */
  async function put(route: RouteSpecInput): Promise<void> {
    const written = await lifecycle.set(route, actor);
    await waitUntil(() => JSON.stringify(store.get(`${written.method} ${written.path}`)?.route) === JSON.stringify(written), {
      description: `route ${written.path} applied`,
    });
  }

  async function stateOf(id: string, state: RouteState): Promise<void> {
    await waitUntil(() => store.get(id)?.route.state === state, { description: `${id} in ${state}` });
  }

  function record(stats: ShadowStats, count: number, outcome: { status: number; authenticated: boolean; match?: boolean }): void {
    for (let index = 0; index < count; index++)
      stats.record(ORDERS, { match: outcome.match ?? true, status: outcome.status, authenticated: outcome.authenticated });
  }

  it('refuses promotion out of shadow on 404s and anonymous answers, counted over both replicas; promotes on logged-in 2xx', async () => {
    await put({ method: 'GET|HEAD', path: '/api/orders/{id}', service: 'api', state: 'shadow', auth: true, shadow: { minSamples: 5 } });
    record(replicaA, 4, { status: 404, authenticated: true });
    record(replicaB, 6, { status: 401, authenticated: false });
    await replicaB.flush();
    const refused = await lifecycle.promote({ id: ORDERS, ...actor }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PromotionRefused);
    expect((refused as PromotionRefused).reason).toBe('shadow-evidence');
    expect((refused as PromotionRefused).message).toBe(
      `promotion of "${ORDERS}" out of shadow refused: match rate 100.00% over 10 samples; missing: 0 of 5 matching 2xx answers; ` +
        '0 of 5 matching 2xx answers to logged-in callers (the route needs a login) (force it with a reason)',
    );

    record(replicaB, 5, { status: 200, authenticated: false });
    await replicaB.flush();
    const stillRefused = (await lifecycle.promote({ id: ORDERS, ...actor }).catch((error: Error) => error)) as Error;
    expect(stillRefused.message).toContain('missing: 0 of 5 matching 2xx answers to logged-in callers (the route needs a login)');

    record(replicaB, 3, { status: 200, authenticated: true });
    record(replicaA, 2, { status: 200, authenticated: true });
    await replicaB.flush();
    const promoted = await lifecycle.promote({ id: ORDERS, to: 'canary', canaryPercent: 5, ...actor });
    expect(promoted.route).toMatchObject({ state: 'canary', canaryPercent: 5 });
    expect(promoted.shadowGate).toMatchObject({ promotable: true, missing: [] });
    expect(promoted.matchRate).toMatchObject({
      samples: 20,
      rate: 1,
      byStatus: {
        '2xx': { authenticated: { matches: 5, mismatches: 0 }, anonymous: { matches: 5, mismatches: 0 } },
        '4xx': { authenticated: { matches: 4, mismatches: 0 }, anonymous: { matches: 6, mismatches: 0 } },
      },
    });
    await stateOf(ORDERS, 'canary');
  });

  it('a forced promotion passes the gate and is marked forced in the audit log', async () => {
    await lifecycle.rollback(ORDERS, actor);
    await stateOf(ORDERS, 'legacy');
    await put({ method: 'GET|HEAD', path: '/api/orders/{id}', service: 'api', state: 'shadow', auth: true, shadow: { minSamples: 5 } });
    const forced = await lifecycle.promote({ id: ORDERS, to: 'service', force: true, by: 'oncall', reason: 'slice proven in staging' });
    expect(forced.route.state).toBe('service');
    expect(forced.shadowGate?.promotable).toBe(false);
    await stateOf(ORDERS, 'service');
    const [last] = (await store.history(ORDERS)).slice(-1);
    expect(last?.change).toMatchObject({ by: 'oncall', reason: 'slice proven in staging', action: 'promote shadow→service', forced: true });
  });

  it('evidence of an earlier shadow period never counts again, not even that of a replica long gone', async () => {
    // The route left shadow with 20 samples above (replicas A and B). A third replica that has since stopped counted too:
    const gone = new ShadowStats('spec_stats');
    await gone.open(nc);
    for (let index = 0; index < 9; index++) gone.record(ORDERS, { match: true, status: 200, authenticated: true });
    await gone.flush();
    gone.close();
    expect((await replicaA.total(ORDERS)).samples).toBeGreaterThan(0);
    await lifecycle.rollback(ORDERS, actor);
    await stateOf(ORDERS, 'legacy');
    await put({ method: 'GET|HEAD', path: '/api/orders/{id}', service: 'api', state: 'shadow', auth: true, shadow: { minSamples: 5 } });
    expect(await replicaA.total(ORDERS)).toMatchObject({ samples: 0, rate: null });
    await expect(lifecycle.promote({ id: ORDERS, ...actor })).rejects.toThrow(/0 of 5 comparisons/);
  });

  it('rolls one route or all routes back to legacy', async () => {
    await put({ method: 'GET|HEAD', path: '/api/products', service: 'api', state: 'service' });
    await put({ method: 'GET|HEAD', path: '/api/products/{id}', service: 'api', state: 'canary', canaryPercent: 10 });
    expect(await lifecycle.rollback('GET|HEAD /api/products', actor)).toEqual(['GET|HEAD /api/products']);
    await stateOf('GET|HEAD /api/products', 'legacy');
    const all = await lifecycle.rollback('all', { by: 'oncall', reason: 'incident' });
    expect(all.sort()).toEqual(['GET|HEAD /api/orders/:id', 'GET|HEAD /api/products/:id']);
    for (const id of all) await stateOf(id, 'legacy');
    expect(await lifecycle.rollback('all', actor)).toEqual([]);
    await expect(lifecycle.rollback('GET /nope', actor)).rejects.toBeInstanceOf(RouteNotFound);
  });

  it("imports Laravel's route list as legacy, marks routes behind the auth middleware as needing a login, keeps existing routes", async () => {
    const routeList = JSON.stringify([
      { method: 'GET|HEAD', uri: 'account/orders', name: 'account.orders', middleware: ['web', 'auth'] },
      { method: 'POST', uri: 'api/orders', name: 'api.orders.store', middleware: ['web', 'json', 'auth:sanctum'] },
      { method: 'GET|HEAD', uri: 'reports/sales.csv', middleware: ['web', 'App\\Http\\Middleware\\Authenticate', 'admin'] },
      { method: 'GET|HEAD', uri: 'products', name: 'products.page', middleware: ['web'] },
      { method: 'GET|HEAD', uri: 'api/products', name: 'api.products.index', middleware: ['web', 'json'] },
    ]);
    const result = await lifecycle.import(importRouteList(routeList, 'laravel'), actor);
    expect(result).toEqual({
      added: ['GET|HEAD /account/orders', 'GET|HEAD /products', 'GET|HEAD /reports/sales.csv', 'POST /api/orders'],
      existing: ['GET|HEAD /api/products'],
      warnings: [],
    });
    await waitUntil(() => store.get('GET|HEAD /reports/sales.csv'), { description: 'imported routes applied' });
    const auth = (id: string) => store.get(id)?.route.auth;
    expect([auth('GET|HEAD /account/orders'), auth('POST /api/orders'), auth('GET|HEAD /reports/sales.csv'), auth('GET|HEAD /products')]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(store.get('GET|HEAD /products')?.route.state).toBe('legacy');
    // A route list without middleware says nothing about logins.
    await lifecycle.import([{ method: 'GET', path: '/about' }], actor);
    await waitUntil(() => store.get('GET /about'), { description: '/about applied' });
    expect(store.get('GET /about')?.route.auth).toBeUndefined();
  });

  it('refuses an invalid route, naming the field, and writes nothing', async () => {
    const revisionsBefore = (await store.history()).length;
    const refusals = await Promise.all([
      lifecycle.set({ method: 'FETCH', path: '/x' }, actor).catch((error: unknown) => error),
      lifecycle.set({ method: 'GET', path: 'x' }, actor).catch((error: unknown) => error),
      lifecycle.set({ method: 'GET', path: '/x', state: 'service' }, actor).catch((error: unknown) => error),
      lifecycle
        .import(
          [
            { method: 'GET', path: '/fine' },
            { method: 'GET', path: 'no-slash' },
          ],
          actor,
        )
        .catch((error: unknown) => error),
    ]);
    for (const refusal of refusals) expect(refusal).toBeInstanceOf(InvalidRoute);
    expect(refusals.map((refusal) => (refusal as InvalidRoute).field)).toEqual(['method', 'path', 'service', 'routes[1].path']);
    expect((refusals[2] as InvalidRoute).message).toBe('a route in state service needs "service" (a slice named in GATEWAY_SERVICES)');
    expect((await store.history()).length).toBe(revisionsBefore);
  });

  it('refuses to promote an unknown route, a route in its last state, and into a state without a service', async () => {
    await expect(lifecycle.promote({ id: 'GET /nope', ...actor })).rejects.toBeInstanceOf(RouteNotFound);
    await put({ method: 'GET', path: '/gone', service: 'api', state: 'retired' });
    const last = await lifecycle.promote({ id: 'GET /gone', ...actor }).catch((error: unknown) => error);
    expect(last).toBeInstanceOf(PromotionRefused);
    expect(last).toMatchObject({ reason: 'last-state', message: 'route "GET /gone" is already retired, the last state' });
    // GET /about was imported as legacy, with no service: it cannot leave the monolith.
    const noService = await lifecycle.promote({ id: 'GET /about', ...actor }).catch((error: unknown) => error);
    expect(noService).toBeInstanceOf(InvalidRoute);
    expect((noService as InvalidRoute).field).toBe('service');
    expect(store.get('GET /about')?.route.state).toBe('legacy');
  });

  it('imports a route the gateway cannot match exactly as legacy-only, says so, and never lets it leave the monolith', async () => {
    const routeList = JSON.stringify({
      api_products: { path: '/api/stock', method: 'GET', condition: "request.headers.get('Accept') matches '#json#'", defaults: { _controller: 'x' } },
    });
    const result = await lifecycle.import(importRouteList(routeList, 'symfony'), actor);
    expect(result.warnings).toEqual([
      "GET|HEAD /api/stock stays on the monolith: its condition (request.headers.get('Accept') matches '#json#') is evaluated by Symfony only",
    ]);
    await waitUntil(() => store.get('GET|HEAD /api/stock'), { description: 'legacy-only route applied' });
    const refused = await lifecycle.promote({ id: 'GET|HEAD /api/stock', to: 'service', force: true, ...actor }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ reason: 'legacy-only' });
    expect(refused).toBeInstanceOf(PromotionRefused);
    const set = await lifecycle
      .set({ ...store.get('GET|HEAD /api/stock')?.route, state: 'shadow', service: 'api' } as RouteSpecInput, actor)
      .catch((error: unknown) => error);
    expect(set).toBeInstanceOf(InvalidRoute);
    expect((set as InvalidRoute).field).toBe('state');
    expect(store.get('GET|HEAD /api/stock')?.route.state).toBe('legacy');
  });

  it('moves a route on in order; out of shadow the gate applies, back to legacy it does not', async () => {
    await put({ method: 'GET', path: '/steps', service: 'api' });
    const step = async (request: { to?: RouteState; force?: boolean }) => {
      const { route, shadowGate } = await lifecycle.promote({ id: 'GET /steps', ...actor, ...request });
      await stateOf('GET /steps', route.state);
      return { state: route.state, gated: shadowGate !== undefined };
    };
    expect(await step({})).toEqual({ state: 'shadow', gated: false });
    expect(await step({ to: 'legacy' })).toEqual({ state: 'legacy', gated: false });
    expect(await step({})).toEqual({ state: 'shadow', gated: false });
    await expect(step({})).rejects.toBeInstanceOf(PromotionRefused);
    expect(await step({ force: true })).toEqual({ state: 'canary', gated: true });
    expect(await step({})).toEqual({ state: 'service', gated: false });
    expect(await step({})).toEqual({ state: 'retired', gated: false });
  });

  describe('with a second replica writing the same bucket', () => {
    let otherStore: RouteStore;
    let other: RouteLifecycle;

    beforeAll(async () => {
      otherStore = new RouteStore('spec_routes', 16, () => undefined);
      await otherStore.open(nc);
      other = new RouteLifecycle(otherStore, replicaB);
    });

    afterAll(() => otherStore?.close());

    it('of two promotions of the same revision at once, one is written and the other is a RevisionConflict', async () => {
      await put({ method: 'GET', path: '/race', service: 'api', state: 'canary', canaryPercent: 5 });
      const revision = store.get('GET /race')?.revision;
      await waitUntil(() => otherStore.get('GET /race')?.revision === revision, { description: 'the second replica sees GET /race' });
      const outcomes = await Promise.allSettled([
        lifecycle.promote({ id: 'GET /race', to: 'service', by: 'a', reason: 'replica a' }),
        other.promote({ id: 'GET /race', to: 'legacy', by: 'b', reason: 'replica b' }),
      ]);
      const written = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
      expect(written).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expect(refused[0]).toBeInstanceOf(RevisionConflict);
      expect(refused[0]).toMatchObject({ id: 'GET /race', message: 'the route changed meanwhile; read it again and retry' });
      const winner = (written[0] as PromiseFulfilledResult<{ route: { state: RouteState } }>).value.route.state;
      await stateOf('GET /race', winner);
      await waitUntil(() => otherStore.get('GET /race')?.route.state === winner, { description: 'both replicas agree' });
      expect((await store.history('GET /race')).filter((revision) => revision.change.action.startsWith('promote'))).toHaveLength(1);
    });

    it('a route imported by two replicas at once is added by one and existing for the other', async () => {
      const route = { method: 'GET', path: '/imported-twice' };
      const [first, second] = await Promise.all([lifecycle.import([route], actor), other.import([route], actor)]);
      expect([...first.added, ...second.added]).toEqual(['GET /imported-twice']);
      expect([...first.existing, ...second.existing]).toEqual(['GET /imported-twice']);
      expect((await store.history('GET /imported-twice')).length).toBe(1);
    });
  });
});
