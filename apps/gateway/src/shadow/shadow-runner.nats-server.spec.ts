import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { IDENTITY_HEADER, IdentityTokenSigner, identityKeysFromConfig } from '@offramp/platform';
import { startNatsServer, waitUntil, type NatsServerHandle } from '@offramp/testing';
import { gatewayConfigShape, type GatewayConfig } from '../config/gateway-config.js';
import { createIdentityProvider } from '../identity/legacy-identity.provider.js';
import { GatewayMetrics } from '../metrics/gateway-metrics.js';
import { Upstreams } from '../proxy/upstreams.js';
import { routeChangeHandler } from '../routes/route-change-handler.js';
import { parseRouteSpec, routeId, type RouteSpec, type RouteSpecInput } from '../routes/route-spec.js';
import { RouteTable } from '../routes/route-table.js';
import { MismatchStore } from './mismatch-store.js';
import { ShadowRunner } from './shadow-runner.js';
import type { ShadowJob } from './shadow-job.js';
import { ShadowStats } from './shadow-stats.js';

// The shadow runner between real loopback HTTP servers for the monolith and the slice, recording
// mismatches in a real nats-server's JetStream: noise learned by asking the monolith twice, match
// and mismatch counted and sampled (redacted), and no more comparisons in flight than allowed.
const SECRET = 'shadow-runner-spec-secret-0123456789abcdef';

type Answer = { status?: number; body: unknown };
interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** A loopback HTTP server answering by path; each request is remembered. `hold` keeps answers back until released. */
async function upstream(answer: (url: string, count: number) => Answer) {
  const seen: Seen[] = [];
  let held: (() => void)[] | undefined;
  const server = createServer((req, res) => {
    if (req.url === '/_offramp/whoami') {
      const id = /(?:^|;\s*)who=(\d+)/.exec(req.headers.cookie ?? '')?.[1];
      res.writeHead(id ? 200 : 401, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify(id ? { id: Number(id), roles: [] } : {}));
    }
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const { status = 200, body } = answer(req.url ?? '', seen.filter((request) => request.url === req.url).length);
    const send = () => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    req.resume();
    if (held) held.push(send);
    else send();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    seen,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hold: () => (held = []),
    release: () => {
      const waiting = held ?? [];
      held = undefined;
      for (const send of waiting) send();
    },
    heldCount: () => held?.length ?? 0,
  };
}

describe('shadow runner (real loopback upstreams, mismatches on a real nats-server)', () => {
  let nats: NatsServerHandle;
  let nc: NatsConnection;
  let legacy: Awaited<ReturnType<typeof upstream>>;
  let slice: Awaited<ReturnType<typeof upstream>>;
  let upstreams: Upstreams;
  let registry: Registry;
  let stats: ShadowStats;
  let mismatches: MismatchStore;
  let runner: ShadowRunner;
  const errors: Error[] = [];

  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connect({ servers: nats.url });
    // The monolith stamps every answer (`generated_at`), and answers /orders with the caller's e-mail.
    legacy = await upstream((url, count) => {
      if (url.startsWith('/orders')) return { body: { id: 1, email: 'jane@example.test', total: 10 } };
      return { body: { items: [1, 2], generated_at: `legacy-${count}` } };
    });
    slice = await upstream((url) => {
      if (url.startsWith('/orders')) return { body: { id: 1, email: 'jane@example.test', total: 12 } };
      if (url.startsWith('/wrong')) return { status: 404, body: { message: 'Not Found' } };
      return { body: { items: [1, 2], generated_at: 'slice' } };
    });
    const config: GatewayConfig = {
      ...z
        .object(gatewayConfigShape)
        .parse({ LEGACY_URL: legacy.url, GATEWAY_SERVICES: `api=${slice.url}`, SESSION_DRIVER: 'none', IDENTITY_TOKEN_SECRET: SECRET }),
      PORT: 0,
      HOST: '127.0.0.1',
    };
    upstreams = new Upstreams(config.LEGACY_URL, config.GATEWAY_SERVICES, { connections: 8, breakerFailures: 100, breakerCooldownMs: 5_000 });
    registry = new Registry();
    stats = new ShadowStats('shadow_runner_spec');
    mismatches = new MismatchStore('SHADOW_RUNNER_SPEC', { maxAgeSeconds: 3_600, perRoute: 50 });
    await mismatches.open(nc);
    runner = new ShadowRunner({
      concurrency: 2,
      maxBodyBytes: 1024 * 1024,
      legacy: upstreams.legacy,
      services: upstreams.services,
      identity: createIdentityProvider(config, new IdentityTokenSigner(identityKeysFromConfig(config, 'sign')), upstreams.legacy),
      metrics: new GatewayMetrics(registry),
      stats,
      mismatches,
      onError: (error) => errors.push(error),
    });
  }, 30_000);

  afterAll(async () => {
    for (const server of [legacy?.server, slice?.server]) {
      server?.closeAllConnections();
      server?.close();
    }
    stats?.close();
    await upstreams?.onApplicationShutdown();
    await nc?.close();
    await nats?.stop();
  });

  beforeEach(() => {
    legacy.seen.length = 0;
    slice.seen.length = 0;
    errors.length = 0;
  });

  const route = (input: RouteSpecInput): RouteSpec => parseRouteSpec({ state: 'shadow', service: 'api', ...input });

  /** What the proxy hands the runner once the client has the monolith's answer. */
  function job(spec: RouteSpec, url: string, options: { method?: string; legacyBody?: unknown; cookie?: string } = {}): ShadowJob {
    const headers = { host: 'shop.test', accept: 'application/json', ...(options.cookie ? { cookie: options.cookie } : {}) };
    return {
      routeId: routeId(spec),
      route: spec,
      method: options.method ?? 'GET',
      url,
      headers,
      requestId: `spec-${url}`,
      legacy: {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify(options.legacyBody ?? { items: [1, 2], generated_at: 'legacy-0' })),
        truncated: false,
      },
      caller: async () => (options.cookie ? { identity: { userId: '7', roles: [], source: 'whoami' } } : {}),
    };
  }

  async function comparisons(id: string, samples: number): Promise<void> {
    await waitUntil(() => stats.localRate(id).samples >= samples, { description: `${samples} comparison(s) of ${id}` });
  }

  async function counted(result: 'match' | 'mismatch' | 'skipped' | 'error', id: string): Promise<number> {
    const metric = (await registry.getMetricsAsJSON()).find((each) => each.name === 'offramp_gateway_shadow_comparisons_total');
    const values = (metric as { values?: { value: number; labels: Record<string, string> }[] } | undefined)?.values ?? [];
    return values.find((value) => value.labels['route'] === id && value.labels['result'] === result)?.value ?? 0;
  }

  it('learns what differs between two answers of the monolith as noise, and does not count it against the slice', async () => {
    const products = route({ method: 'GET', path: '/products' });
    runner.submit(job(products, '/products'));
    await comparisons('GET /products', 1);
    // The monolith was asked a second time; its two answers differ in generated_at only.
    expect(legacy.seen.map((request) => request.headers['x-offramp-shadow'])).toEqual(['1']);
    expect(runner.learnedNoise('GET /products')).toEqual(['body:$.generated_at']);
    expect(stats.localRate('GET /products')).toMatchObject({ matches: 1, mismatches: 0 });
    expect(await counted('match', 'GET /products')).toBe(1);
    expect(await mismatches.latest('GET /products', 10)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('never asks the monolith twice for an unsafe method', async () => {
    const post = route({ method: 'POST', path: '/products/search', shadow: { methods: ['POST'] } });
    runner.submit({ ...job(post, '/products/search', { method: 'POST' }), body: Buffer.from('{"q":"x"}') });
    await comparisons('POST /products/search', 1);
    expect(legacy.seen).toEqual([]);
    expect(slice.seen.map((request) => request.method)).toEqual(['POST']);
    // Nothing was learned: the differing generated_at is a mismatch.
    expect(runner.learnedNoise('POST /products/search')).toEqual([]);
    expect(stats.localRate('POST /products/search')).toMatchObject({ matches: 0, mismatches: 1 });
  });

  it('records a mismatch with its differences and redacted samples, counted per caller kind, the slice called with an identity token', async () => {
    const orders = route({ method: 'GET', path: '/orders/{id}', auth: true });
    const legacyBody = { id: 1, email: 'jane@example.test', total: 10 };
    runner.submit(job(orders, '/orders/1?token=abc', { legacyBody, cookie: 'who=7' }));
    await comparisons('GET /orders/:id', 1);
    const [sample] = await waitUntil(async () => {
      const latest = await mismatches.latest('GET /orders/:id', 10);
      return latest.length > 0 ? latest : undefined;
    });
    expect(sample).toMatchObject({ routeId: 'GET /orders/:id', method: 'GET', differences: [{ key: 'body:$.total', legacy: 10, service: 12 }] });
    // Query values and e-mail addresses never reach the stream.
    expect(sample?.url).not.toContain('abc');
    expect(JSON.stringify(sample)).not.toContain('jane@example.test');
    expect(stats.localRate('GET /orders/:id').byStatus['2xx']).toMatchObject({ authenticated: { matches: 0, mismatches: 1 } });
    expect(slice.seen[slice.seen.length - 1]?.headers[IDENTITY_HEADER]).toEqual(expect.any(String));
    expect(await counted('mismatch', 'GET /orders/:id')).toBe(1);
  });

  it('runs at most `concurrency` comparisons at once: beyond it a copy is skipped and counted, never queued', async () => {
    const held = route({ method: 'GET', path: '/held' });
    slice.hold();
    for (let index = 0; index < 5; index++) runner.submit(job(held, `/held?n=${index}`));
    await waitUntil(() => slice.heldCount() === 2, { description: 'two comparisons waiting for the slice' });
    expect(await counted('skipped', 'GET /held')).toBe(3);
    slice.release();
    await comparisons('GET /held', 2);
    // The two slots are free again: the next copy runs.
    runner.submit(job(held, '/held?n=5'));
    await comparisons('GET /held', 3);
    expect(slice.seen.map((request) => request.url).sort()).toEqual(['/held?n=0', '/held?n=1', '/held?n=5']);
    expect(await counted('skipped', 'GET /held')).toBe(3);
  });

  it('a route entering shadow again starts with nothing learned or counted on this replica', async () => {
    const products = route({ method: 'GET', path: '/products' });
    expect(runner.learnedNoise('GET /products')).not.toEqual([]);
    expect(stats.localRate('GET /products').samples).toBeGreaterThan(0);
    const apply = routeChangeHandler({ engine: { setRoutes: () => undefined }, stats, shadow: runner });
    apply(RouteTable.from([products]), [{ id: 'GET /products', before: { ...products, state: 'shadow' }, after: products }]);
    expect(runner.learnedNoise('GET /products')).not.toEqual([]);
    apply(RouteTable.from([products]), [{ id: 'GET /products', before: { ...products, state: 'legacy' }, after: products }]);
    expect(runner.learnedNoise('GET /products')).toEqual([]);
    expect(stats.localRate('GET /products').samples).toBe(0);
  });

  it('a route in shadow without a known service is an error, counted, and nothing is sent', async () => {
    const orphan = route({ method: 'GET', path: '/orphan', service: 'gone' });
    runner.submit(job(orphan, '/orphan'));
    await waitUntil(() => errors.length === 1, { description: 'the error reported' });
    expect(errors[0]?.message).toBe('route GET /orphan is in shadow without a known service ("gone")');
    expect(await counted('error', 'GET /orphan')).toBe(1);
    expect([...legacy.seen, ...slice.seen]).toEqual([]);
  });
});
