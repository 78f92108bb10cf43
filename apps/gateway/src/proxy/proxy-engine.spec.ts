import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { DEFER_HEADER, markDeferrable } from '@offramp/contracts/http';
import { IDENTITY_HEADER, IdentityTokenSigner, IdentityTokenVerifier, identityKeysFromConfig } from '@offramp/platform';
import { freePort, waitUntil } from '@offramp/testing';
import { gatewayConfigShape, type GatewayConfig } from '../config/gateway-config.js';
import { csrfGuardFromConfig } from '../csrf/csrf-guard-from-config.js';
import { createIdentityProvider } from '../identity/legacy-identity.provider.js';
import { GatewayMetrics } from '../metrics/gateway-metrics.js';
import { parseRouteSpec, type RouteSpecInput } from '../routes/route-spec.js';
import { RouteTable } from '../routes/route-table.js';
import { MismatchStore } from '../shadow/mismatch-store.js';
import { ShadowRunner } from '../shadow/shadow-runner.js';
import { ShadowStats } from '../shadow/shadow-stats.js';
import { ProxyEngine } from './proxy-engine.js';
import { proxySettingsFromConfig } from './proxy-settings-from-config.js';
import { ReplayBudget } from './replay-budget.js';
import { TrustedProxies } from './trusted-proxies.js';
import { Upstreams } from './upstreams.js';

// Which upstream answers, by the route's state: the engine built directly, as the gateway module
// builds it, between real loopback HTTP servers standing for the monolith and two slices (one
// answers, one is not there), with the identity bridge asking the monolith's whoami endpoint.
const SECRET = 'proxy-engine-spec-secret-0123456789abcdef';
const TESTER = '42';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** A loopback HTTP server that says who it is and remembers what it was sent. */
async function backend(name: string, answer?: (url: string) => number): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    if (req.url === '/_offramp/whoami') {
      // The monolith's whoami: `who=<id>` in the cookie is a logged-in user.
      const id = /(?:^|;\s*)who=(\d+)/.exec(req.headers.cookie ?? '')?.[1];
      res.writeHead(id ? 200 : 401, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify(id ? { id: Number(id), email: `user${id}@example.test`, roles: [] } : { message: 'Unauthenticated.' }));
    }
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    req.on('end', () => {
      // A slice's own answer to a request the monolith should answer, marked through the shared helper.
      if (name !== 'legacy' && req.url?.startsWith('/defers')) markDeferrable({ header: (header, value) => res.setHeader(header, value) }, 'spec');
      res.writeHead(answer?.(req.url ?? '') ?? 200, { 'content-type': 'application/json', 'x-slice-saw-defer': String(req.headers[DEFER_HEADER] ?? '') });
      res.end(JSON.stringify({ from: name }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

describe('proxy engine: the backend by route state (real loopback upstreams)', () => {
  let legacy: Awaited<ReturnType<typeof backend>>;
  let api: Awaited<ReturnType<typeof backend>>;
  let upstreams: Upstreams;
  let stats: ShadowStats;
  let engine: ProxyEngine;
  let gateway: Server;
  let gatewayUrl: string;
  const registry = new Registry();
  const verifier = new IdentityTokenVerifier(
    identityKeysFromConfig({ IDENTITY_TOKEN_ALG: 'HS256', IDENTITY_TOKEN_SECRET: SECRET, IDENTITY_TOKEN_TTL_S: 60 }, 'verify'),
    'api',
  );

  beforeAll(async () => {
    legacy = await backend('legacy');
    api = await backend('api', (url) => (url.startsWith('/fails') ? 500 : 200));
    const config: GatewayConfig = {
      ...z.object(gatewayConfigShape).parse({
        LEGACY_URL: legacy.url,
        GATEWAY_SERVICES: `api=${api.url},down=http://127.0.0.1:${await freePort()}`,
        GATEWAY_TESTERS: TESTER,
        SESSION_DRIVER: 'none',
        IDENTITY_TOKEN_SECRET: SECRET,
      }),
      PORT: 0,
      HOST: '127.0.0.1',
    };
    const replay = new ReplayBudget(config.GATEWAY_REPLAY_BUFFER_BYTES);
    const metrics = new GatewayMetrics(registry, replay);
    upstreams = new Upstreams(config.LEGACY_URL, config.GATEWAY_SERVICES, { connections: 8, breakerFailures: 100, breakerCooldownMs: 5_000 });
    const bridge = createIdentityProvider(config, new IdentityTokenSigner(identityKeysFromConfig(config, 'sign')), upstreams.legacy);
    // Shadow counts kept on this replica only: the stores are not opened (no NATS in this test).
    stats = new ShadowStats('proxy_engine_spec');
    const shadow = new ShadowRunner({
      concurrency: 4,
      maxBodyBytes: config.GATEWAY_SHADOW_MAX_BODY_BYTES,
      legacy: upstreams.legacy,
      services: upstreams.services,
      identity: bridge,
      metrics,
      stats,
      mismatches: new MismatchStore('PROXY_ENGINE_SPEC', { maxAgeSeconds: 60, perRoute: 1 }),
    });
    engine = new ProxyEngine(
      { ...proxySettingsFromConfig(config), routingHeaders: true, defaultTimeoutMs: 5_000 },
      {
        legacy: upstreams.legacy,
        services: upstreams.services,
        identity: bridge,
        metrics,
        shadow,
        trustedProxies: new TrustedProxies([]),
        replay,
        csrf: csrfGuardFromConfig(config, bridge, replay),
        sessions: bridge,
      },
    );
    const route = (input: RouteSpecInput) => parseRouteSpec({ service: 'api', csrf: false, ...input });
    engine.setRoutes(
      RouteTable.from([
        route({ method: 'GET', path: '/legacy' }),
        route({ method: 'GET|HEAD|POST', path: '/shadowed', state: 'shadow' }),
        route({ method: 'GET', path: '/canary/all', state: 'canary', canaryPercent: 100 }),
        route({ method: 'GET', path: '/canary/none', state: 'canary', canaryPercent: 0 }),
        route({ method: 'GET|POST', path: '/served', state: 'service' }),
        route({ method: 'GET', path: '/fails', state: 'service' }),
        route({ method: 'GET|POST', path: '/served-by-down', state: 'service', service: 'down' }),
        route({ method: 'GET', path: '/served-by-down-no-fallback', state: 'service', service: 'down', fallback: false }),
        route({ method: 'GET', path: '/retired-down', state: 'retired', service: 'down' }),
        route({ method: 'GET', path: '/unknown-service', state: 'service', service: 'nope' }),
        route({ method: 'GET|HEAD|POST', path: '/defers', state: 'service' }),
        route({ method: 'GET', path: '/defers/no-fallback', state: 'service', fallback: false }),
        route({ method: 'GET', path: '/defers/retired', state: 'retired' }),
        route({ method: 'GET', path: '/defers/shadowed', state: 'shadow' }),
        route({ method: 'GET', path: '/shadowed/never', state: 'shadow', shadow: { sampleRate: 0 } }),
        route({ method: 'GET', path: '/shadowed/half', state: 'shadow', shadow: { sampleRate: 0.5 } }),
      ]),
    );
    gateway = createServer((req, res) => void engine.handle(req, res, `spec-${req.url ?? ''}`));
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const server of [gateway, legacy?.server, api?.server]) {
      server?.closeAllConnections();
      server?.close();
    }
    stats?.close();
    await upstreams?.onApplicationShutdown();
  });

  beforeEach(() => {
    legacy.seen.length = 0;
    api.seen.length = 0;
  });

  /** The sum of a counter's values whose labels include `labels`. */
  async function counted(metric: string, labels: Record<string, string>): Promise<number> {
    const values = (await registry.getSingleMetric(metric)?.get())?.values ?? [];
    const matching = values.filter((value) => Object.entries(labels).every(([name, label]) => value.labels[name] === label));
    return matching.reduce((total, value) => total + value.value, 0);
  }

  const deferredCount = (route: string, metric = 'offramp_gateway_fallbacks_total', label = 'reason') => counted(metric, { route, [label]: 'deferred' });

  async function call(path: string, init: RequestInit = {}) {
    const response = await fetch(`${gatewayUrl}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    return {
      status: response.status,
      backend: response.headers.get('x-offramp-backend'),
      route: response.headers.get('x-offramp-route'),
      defer: response.headers.get(DEFER_HEADER),
      text,
      headers: response.headers,
    };
  }

  it('legacy routes and paths no route matches go to the monolith, as sent', async () => {
    expect(await call('/legacy?x=1')).toMatchObject({ status: 200, backend: 'legacy', route: 'GET /legacy', text: '{"from":"legacy"}' });
    expect(await call('/nowhere/at/all')).toMatchObject({ status: 200, backend: 'legacy', route: 'unmatched' });
    expect(legacy.seen.map((request) => request.url)).toEqual(['/legacy?x=1', '/nowhere/at/all']);
    expect(api.seen).toEqual([]);
  });

  it('shadow: the client gets the monolith, the slice a copy afterwards that is compared; unshadowed methods are not copied', async () => {
    expect(await call('/shadowed')).toMatchObject({ status: 200, backend: 'legacy', text: '{"from":"legacy"}' });
    await waitUntil(() => stats.localRate('GET|HEAD|POST /shadowed').samples === 1, { description: 'one comparison counted' });
    expect(api.seen).toHaveLength(1);
    expect(api.seen[0]).toMatchObject({ method: 'GET', url: '/shadowed', headers: { 'x-offramp-shadow': '1' } });
    // The bodies differ ({"from":"legacy"} against {"from":"api"}): a mismatch.
    expect(stats.localRate('GET|HEAD|POST /shadowed')).toMatchObject({ matches: 0, mismatches: 1 });

    expect(await call('/shadowed', { method: 'POST', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).toMatchObject({
      status: 200,
      backend: 'legacy',
    });
    expect(legacy.seen.filter((request) => request.method === 'POST')).toHaveLength(1);
    expect(api.seen.filter((request) => request.method === 'POST')).toEqual([]);
  });

  it("shadow with a sample rate: that share of the route's requests is copied to the slice, the others go to the monolith alone", async () => {
    const copies = (route: string, result?: string) => counted('offramp_gateway_shadow_comparisons_total', result ? { route, result } : { route });
    for (let index = 0; index < 20; index++) expect(await call('/shadowed/never')).toMatchObject({ status: 200, backend: 'legacy' });
    for (let index = 0; index < 200; index++) expect(await call(`/shadowed/half?n=${index}`)).toMatchObject({ status: 200, backend: 'legacy' });
    // Every copy ends in one count (match, mismatch, skipped past the runner's concurrency): done once
    // the counts equal what the slice received (plus the skipped) and stay so for 100 ms, so that no
    // copy still on its way reaches the slice during the next test.
    let settled = 0;
    await waitUntil(
      async () => {
        const received = api.seen.filter((request) => request.url.startsWith('/shadowed/half')).length;
        const done = (await copies('GET /shadowed/half')) === received + (await copies('GET /shadowed/half', 'skipped'));
        settled = done ? settled + 1 : 0;
        return settled >= 5;
      },
      { intervalMs: 20, description: 'every copy counted' },
    );
    // The monolith answered every client request once (it is also asked again for noise, marked as a shadow copy).
    expect(legacy.seen.filter((request) => request.url.startsWith('/shadowed/') && request.headers['x-offramp-shadow'] === undefined)).toHaveLength(220);
    expect(await copies('GET /shadowed/never')).toBe(0);
    expect(api.seen.filter((request) => request.url.startsWith('/shadowed/never'))).toEqual([]);
    // Binomial(200, 0.5): 100 ± 7; outside 60-140 once in about 10^8 runs.
    const half = await copies('GET /shadowed/half');
    expect(half).toBeGreaterThan(60);
    expect(half).toBeLessThan(140);
  });

  it('canary: the share of callers decides, and a tester may force the slice', async () => {
    expect(await call('/canary/all')).toMatchObject({ backend: 'api', text: '{"from":"api"}' });
    expect(await call('/canary/none')).toMatchObject({ backend: 'legacy' });
    expect(await call('/canary/none', { headers: { 'x-offramp-force': 'service', cookie: 'who=7' } })).toMatchObject({ backend: 'legacy' });
    expect(await call('/canary/none', { headers: { 'x-offramp-force': 'service', cookie: `who=${TESTER}` } })).toMatchObject({ backend: 'api' });
    expect(api.seen.map((request) => request.url)).toEqual(['/canary/all', '/canary/none']);
  });

  it('service: the slice answers with an identity token for the logged-in caller, valid only at that slice', async () => {
    expect(await call('/served', { headers: { cookie: 'who=7' } })).toMatchObject({ status: 200, backend: 'api' });
    expect(await call('/served')).toMatchObject({ status: 200, backend: 'api' });
    expect(legacy.seen).toEqual([]);
    const [loggedIn, anonymous] = api.seen;
    expect(await verifier.verify(String(loggedIn?.headers[IDENTITY_HEADER]))).toMatchObject({ userId: '7', email: 'user7@example.test', source: 'whoami' });
    expect(anonymous?.headers[IDENTITY_HEADER]).toBeUndefined();
  });

  it('service: idempotent requests fall back to the monolith when the slice is unreachable or answers 5xx; others get the error', async () => {
    expect(await call('/served-by-down')).toMatchObject({ status: 200, backend: 'legacy', text: '{"from":"legacy"}' });
    expect(await call('/fails')).toMatchObject({ status: 200, backend: 'legacy' });
    expect(api.seen.map((request) => request.url)).toEqual(['/fails']);
    // A JSON POST where other methods moved: its body is read for _method before it goes on.
    const post = await call('/served-by-down', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(post).toMatchObject({ status: 502, backend: 'down' });
    expect(JSON.parse(post.text)).toMatchObject({ status: 502, detail: expect.stringMatching(/^down could not be reached \(ECONNREFUSED\)$/) });
    expect(await call('/served-by-down-no-fallback')).toMatchObject({ status: 502, backend: 'down' });
    expect(legacy.seen.map((request) => `${request.method} ${request.url}`)).toEqual(['GET /served-by-down', 'GET /fails']);
  });

  it('retired: only the slice, never the monolith; a service GATEWAY_SERVICES does not name is a 502', async () => {
    expect(await call('/retired-down')).toMatchObject({ status: 502, backend: 'down' });
    const unknown = await call('/unknown-service');
    expect(unknown).toMatchObject({ status: 502, route: 'GET /unknown-service' });
    expect(JSON.parse(unknown.text).detail).toBe('route GET /unknown-service names service "nope", which GATEWAY_SERVICES does not define');
    expect(legacy.seen).toEqual([]);
  });

  it('deferred: a slice that defers a GET or HEAD gets the monolith to answer, counted as a fallback of reason deferred; the marker never reaches the client', async () => {
    const before = await deferredCount('GET|HEAD|POST /defers');
    expect(await call('/defers?from=x', { headers: { accept: 'text/html' } })).toMatchObject({
      status: 200,
      backend: 'legacy',
      defer: null,
      text: '{"from":"legacy"}',
    });
    expect(await call('/defers', { method: 'HEAD' })).toMatchObject({ status: 200, backend: 'legacy', defer: null });
    // The route's fallback switch is about failures: the slice's own word is taken either way.
    expect(await call('/defers/no-fallback')).toMatchObject({ status: 200, backend: 'legacy', defer: null });
    expect(api.seen.map((request) => `${request.method} ${request.url}`)).toEqual(['GET /defers?from=x', 'HEAD /defers', 'GET /defers/no-fallback']);
    expect(legacy.seen.map((request) => `${request.method} ${request.url}`)).toEqual(['GET /defers?from=x', 'HEAD /defers', 'GET /defers/no-fallback']);
    expect(legacy.seen.every((request) => request.headers[DEFER_HEADER] === undefined)).toBe(true);
    expect(await deferredCount('GET|HEAD|POST /defers')).toBe(before + 2);
  });

  it("deferred where the monolith cannot answer (a POST may not be run twice, a retired route has no monolith): the slice's own answer, without the marker", async () => {
    const post = await call('/defers', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(post).toMatchObject({ status: 200, backend: 'api', defer: null, text: '{"from":"api"}' });
    const retired = await call('/defers/retired');
    expect(retired).toMatchObject({ status: 200, backend: 'api', defer: null, text: '{"from":"api"}' });
    expect(api.seen.map((request) => `${request.method} ${request.url}`)).toEqual(['POST /defers', 'GET /defers/retired']);
    expect(legacy.seen).toEqual([]);
  });

  it('deferred: a client sending the marker changes nothing: not forwarded to the slice, and a slice answer is relayed as it is', async () => {
    const served = await call('/served', { headers: { [DEFER_HEADER]: 'client' } });
    expect(served).toMatchObject({ status: 200, backend: 'api', defer: null, text: '{"from":"api"}' });
    expect(served.headers.get('x-slice-saw-defer')).toBe('');
    expect(api.seen[0]?.headers[DEFER_HEADER]).toBeUndefined();
    expect(legacy.seen).toEqual([]);
  });

  it('deferred in shadow: the copy the slice defers is counted as deferred, neither a match nor a mismatch (in service the monolith answers it too)', async () => {
    expect(await call('/defers/shadowed')).toMatchObject({ status: 200, backend: 'legacy', text: '{"from":"legacy"}' });
    await waitUntil(async () => (await deferredCount('GET /defers/shadowed', 'offramp_gateway_shadow_comparisons_total', 'result')) === 1, {
      description: 'the deferred copy counted',
    });
    expect(stats.localRate('GET /defers/shadowed')).toMatchObject({ samples: 0 });
  });
});
