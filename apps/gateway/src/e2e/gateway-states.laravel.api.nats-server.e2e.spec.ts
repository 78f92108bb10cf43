import { SignJWT } from 'jose';
import {
  legacyLogin,
  startLegacyApp,
  startNatsServer,
  startService,
  waitUntil,
  type LegacyApp,
  type NatsServerHandle,
  type ServiceProcess,
  gatewayAdmin,
  E2E_IDENTITY_SECRET,
  startGateway,
  throughGateway,
  writeRoutesFile,
} from '@offramp/testing';

// The gateway in front of the real Laravel monolith (php -S), with the real api slice and a real
// nats-server; two gateway processes share the route bucket, as two replicas do.
const ROUTES = `
routes:
  - { method: GET|HEAD, path: '/api/products/{id}', state: legacy, service: api, shadow: { minSamples: 5, threshold: 0.99 } }
  - { method: GET|HEAD, path: /products, state: legacy, service: api, shadow: { minSamples: 2 } }
  - { method: GET|HEAD, path: '/api/orders/{id}', state: legacy, service: api }
`;

describe('gateway states against the real monolith, slice and NATS', () => {
  let nats: NatsServerHandle;
  let legacy: LegacyApp;
  let api: ServiceProcess;
  let first: ServiceProcess;
  let second: ServiceProcess;
  let routes: { path: string; remove(): void };
  let customerCookies: string;
  let adminCookies: string;

  beforeAll(async () => {
    nats = await startNatsServer();
    legacy = await startLegacyApp();
    routes = writeRoutesFile(ROUTES);
    api = await startService({
      app: 'api',
      env: { DATABASE_URL: legacy.databaseUrl, NATS_URL: nats.url, IDENTITY_TOKEN_SECRET: E2E_IDENTITY_SECRET, LOG_LEVEL: 'warn' },
    });
    const options = {
      natsUrl: nats.url,
      legacyUrl: legacy.url,
      databaseUrl: legacy.databaseUrl,
      routesFile: routes.path,
      bucket: 'e2e_routes',
      services: { api: api.url },
      env: {
        APP_KEY: legacy.appKey,
        SESSION_FILES: `${legacy.storagePath}/framework/sessions`,
        GATEWAY_TESTERS: 'admin@example.test,1',
        GATEWAY_BREAKER_FAILURES: '3',
        GATEWAY_BREAKER_COOLDOWN_MS: '300',
      },
    };
    [first, second] = await Promise.all([startGateway(options), startGateway(options)]);
    for (const gateway of [first, second]) {
      await waitUntil(async () => (await gatewayAdmin(gateway, 'GET', '/routes')).json?.loaded === true, {
        timeoutMs: 20_000,
        description: 'route table loaded',
      });
    }
    customerCookies = await legacyLoginThrough(first, 'customer@example.test');
    adminCookies = await legacyLoginThrough(first, 'admin@example.test');
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([first?.stop(), second?.stop(), api?.stop()]);
    await legacy?.close();
    await nats?.stop();
    routes?.remove();
  });

  async function setState(id: string, patch: Record<string, unknown>, reason = 'e2e') {
    const current = (await gatewayAdmin(first, 'GET', '/routes')).json.routes.find((route: { id: string }) => route.id === id);
    const { method, path, service, shadow, fallback, canaryPercent, timeoutMs } = current;
    const result = await gatewayAdmin(first, 'PUT', '/routes', {
      route: { method, path, service, shadow, fallback, canaryPercent, timeoutMs, ...patch },
      reason,
      by: 'e2e',
    });
    expect(result.status).toBe(200);
  }

  /** Polls a gateway until a path is answered by the expected backend; returns the delay in ms. */
  async function appliedWithin(gateway: ServiceProcess, path: string, backend: string, since: number): Promise<number> {
    await waitUntil(async () => (await throughGateway(gateway, path)).backend === backend, {
      timeoutMs: 10_000,
      intervalMs: 20,
      description: `${path} answered by ${backend}`,
    });
    return Date.now() - since;
  }

  it('legacy: the monolith answers, login cookies and redirects pass through, routing headers say who answered', async () => {
    const direct = await fetch(`${legacy.url}/api/products/3`).then((response) => response.text());
    const proxied = await throughGateway(first, '/api/products/3');
    expect(proxied).toMatchObject({ status: 200, backend: 'legacy', route: 'GET|HEAD /api/products/:id', body: direct });
    const unmatched = await throughGateway(first, '/products/3');
    expect(unmatched).toMatchObject({ status: 200, backend: 'legacy', route: 'unmatched' });
    const guarded = await throughGateway(first, '/account/orders');
    expect(guarded.status).toBe(302);
    expect(guarded.headers.get('location')).toBe(`${first.url}/login`);
    const account = await throughGateway(first, '/account/orders', { headers: { cookie: customerCookies } });
    expect(account.status).toBe(200);
  });

  it('a route change written on one replica is applied by both', async () => {
    const since = Date.now();
    await setState('GET|HEAD /api/products/:id', { state: 'service' }, 'move product detail to the slice');
    const delays = await Promise.all([first, second].map((gateway) => appliedWithin(gateway, '/api/products/4', 'api', since)));
    console.log(`route change applied by two gateways after ${delays.join(' ms and ')} ms`);
    const history = await gatewayAdmin(second, 'GET', `/routes/history?id=${encodeURIComponent('GET|HEAD /api/products/:id')}`);
    expect(history.json.history.at(-1).change).toMatchObject({ by: 'e2e', reason: 'move product detail to the slice', action: 'set' });
    expect(history.json.history[0].change.action).toBe('seed');
  });

  it('service: the slice answers like the monolith, with the identity from the monolith’s session', async () => {
    const direct = await fetch(`${legacy.url}/api/products/4`).then((response) => response.text());
    expect(await throughGateway(second, '/api/products/4')).toMatchObject({ status: 200, backend: 'api', body: direct });
    await setState('GET|HEAD /api/orders/:id', { state: 'service' });
    await appliedWithin(first, '/api/orders/1', 'api', Date.now());
    expect((await throughGateway(first, '/api/orders/1')).status).toBe(401); // no cookie, no identity
    const signedIn = await throughGateway(first, '/api/orders/1', { headers: { cookie: customerCookies, accept: 'application/json' } });
    expect(signedIn.backend).toBe('api');
    expect(signedIn.status).not.toBe(401); // the slice accepted the gateway's token (the order may be someone else's)
  });

  it('a client-sent x-offramp-identity never reaches a slice, even a validly signed one', async () => {
    const forged = await new SignJWT({ roles: ['admin'], src: 'laravel-session' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('1')
      .setIssuer('offramp-gateway')
      .setAudience('api') // the token the gateway would sign for the api slice
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(new TextEncoder().encode(E2E_IDENTITY_SECRET));
    // Straight to the slice the token works: it is valid…
    const direct = await fetch(`${api.url}/api/orders/1`, { headers: { 'x-offramp-identity': forged, accept: 'application/json' } });
    expect(direct.status).not.toBe(401);
    // …through the gateway it is removed, so the slice sees nobody.
    expect((await throughGateway(first, '/api/orders/1', { headers: { 'x-offramp-identity': forged, accept: 'application/json' } })).status).toBe(401);
    // With a tampered session cookie, the gateway establishes nobody either.
    const tampered = customerCookies.replace(/laravel_session=([^;]{20})/, (_all, head: string) => `laravel_session=${head.split('').reverse().join('')}`);
    expect(
      (await throughGateway(first, '/api/orders/1', { headers: { cookie: tampered, 'x-offramp-identity': forged, accept: 'application/json' } })).status,
    ).toBe(401);
  });

  it('shadow: the client gets the monolith’s answer; the slice’s is compared, and the match rate gates promotion', async () => {
    await setState('GET|HEAD /api/products/:id', { state: 'shadow' });
    await setState('GET|HEAD /products', { state: 'shadow' });
    await appliedWithin(first, '/api/products/1', 'legacy', Date.now());
    await waitUntil(async () => (await throughGateway(first, '/products')).route === 'GET|HEAD /products', {
      timeoutMs: 10_000,
      description: '/products route',
    });
    for (let id = 1; id <= 6; id++) {
      const answer = await throughGateway(first, `/api/products/${id}`, { headers: { cookie: customerCookies } });
      expect(answer).toMatchObject({ status: 200, backend: 'legacy' });
    }
    for (let index = 0; index < 3; index++) expect((await throughGateway(first, '/products', { headers: { cookie: customerCookies } })).backend).toBe('legacy');

    const rateOf = async (id: string) => (await gatewayAdmin(first, 'GET', '/routes')).json.routes.find((route: { id: string }) => route.id === id).shadowMatch;
    const detail = await waitUntil(
      async () => {
        const rate = await rateOf('GET|HEAD /api/products/:id');
        return rate.samples >= 6 ? rate : undefined;
      },
      { timeoutMs: 20_000, description: 'six shadow comparisons of /api/products/:id' },
    );
    const page = await waitUntil(
      async () => {
        const rate = await rateOf('GET|HEAD /products');
        return rate.samples >= 2 ? rate : undefined;
      },
      { timeoutMs: 20_000, description: 'shadow comparisons of /products' },
    );
    console.log(`shadow match rates: /api/products/:id ${JSON.stringify(detail)}, /products ${JSON.stringify(page)}`);
    expect(detail.rate).toBe(1);
    expect(page.rate).toBe(0);

    const diffs = await gatewayAdmin(first, 'GET', `/diffs?id=${encodeURIComponent('GET|HEAD /products')}&limit=5`);
    expect(diffs.json.mismatches.length).toBeGreaterThan(0);
    const mismatch = diffs.json.mismatches.find((record: { request: { headers: Record<string, unknown> } }) => record.request.headers['cookie']);
    expect(mismatch.differences[0]).toMatchObject({ key: 'status', legacy: 200, service: 404 });
    expect(mismatch.request.headers.cookie).toBe('[redacted]');
    expect(JSON.stringify(diffs.json)).not.toContain('laravel_session=');

    const refused = await gatewayAdmin(first, 'POST', '/routes/promote', { id: 'GET|HEAD /products', reason: 'try', by: 'e2e' });
    expect(refused.status).toBe(409);
    expect(refused.json.detail).toMatch(/match rate 0\.00% over \d+ samples/);
    const forced = await gatewayAdmin(first, 'POST', '/routes/promote', {
      id: 'GET|HEAD /products',
      to: 'canary',
      canaryPercent: 0,
      force: true,
      reason: 'page moves anyway',
      by: 'e2e',
    });
    expect(forced.status).toBe(200);
    const promoted = await gatewayAdmin(first, 'POST', '/routes/promote', {
      id: 'GET|HEAD /api/products/:id',
      to: 'canary',
      canaryPercent: 0,
      reason: 'shadow proof',
      by: 'e2e',
    });
    expect(promoted.status).toBe(200);
    expect(promoted.json.matchRate).toMatchObject({ rate: 1 });
  });

  it('canary: sticky per caller, forced by testers only', async () => {
    await appliedWithin(first, '/api/products/1', 'legacy', Date.now());
    // 0 %: everybody on the monolith; a tester may force the slice, others may not.
    expect((await throughGateway(first, '/api/products/1', { headers: { cookie: customerCookies, 'x-offramp-force': 'service' } })).backend).toBe('legacy');
    expect((await throughGateway(first, '/api/products/1', { headers: { cookie: adminCookies, 'x-offramp-force': 'service' } })).backend).toBe('api');
    expect((await throughGateway(first, '/api/products/1', { headers: { cookie: `${adminCookies}; offramp_force=service` } })).backend).toBe('api');
    await setState('GET|HEAD /api/products/:id', { state: 'canary', canaryPercent: 50 });
    await waitUntil(
      async () => (await gatewayAdmin(second, 'GET', '/routes')).json.routes.some((route: { canaryPercent: number }) => route.canaryPercent === 50),
      {
        timeoutMs: 10_000,
        description: 'canary 50 %',
      },
    );
    for (const cookies of [customerCookies, adminCookies]) {
      const seen = new Set<string | null>();
      for (let index = 0; index < 8; index++)
        seen.add((await throughGateway(index % 2 ? first : second, '/api/products/2', { headers: { cookie: cookies } })).backend);
      expect(seen.size).toBe(1); // the same caller always lands on the same side, on every replica
    }
    await setState('GET|HEAD /api/products/:id', { state: 'canary', canaryPercent: 100 });
    await appliedWithin(second, '/api/products/1', 'api', Date.now());
  });

  it('fallback: while the slice is killed, every idempotent request is answered by the monolith', async () => {
    await setState('GET|HEAD /api/products/:id', { state: 'service', fallback: true });
    await appliedWithin(first, '/api/products/1', 'api', Date.now());
    await api.stop('SIGKILL');
    const answers = [];
    for (let index = 0; index < 20; index++) answers.push(await throughGateway(first, `/api/products/${(index % 5) + 1}`));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(new Set(answers.map((answer) => answer.backend))).toEqual(new Set(['legacy']));
    const metrics = await fetch(`${first.adminUrl}/metrics`).then((response) => response.text());
    expect(metrics).toMatch(/offramp_gateway_fallbacks_total\{[^}]*reason="connect"[^}]*\} \d+/);
    expect(metrics).toMatch(/offramp_gateway_fallbacks_total\{[^}]*reason="circuit_open"[^}]*\} \d+/);
    expect(metrics).toMatch(/offramp_gateway_circuit_state\{[^}]*upstream="api"[^}]*\} 2/);
    // The slice comes back on its port: the breaker's probe closes the circuit again.
    api = await startService({
      app: 'api',
      port: api.port,
      env: { DATABASE_URL: legacy.databaseUrl, NATS_URL: nats.url, IDENTITY_TOKEN_SECRET: E2E_IDENTITY_SECRET, LOG_LEVEL: 'warn' },
    });
    await appliedWithin(first, '/api/products/1', 'api', Date.now());
  });

  it('rollback of all routes reaches every replica', async () => {
    await setState('GET|HEAD /products', { state: 'service' });
    await appliedWithin(second, '/products', 'api', Date.now());
    const since = Date.now();
    const rollback = await gatewayAdmin(first, 'POST', '/routes/rollback', { all: true, reason: 'incident drill', by: 'e2e' });
    expect(rollback.status).toBe(200);
    expect(rollback.json.rolledBack.length).toBeGreaterThanOrEqual(3);
    const delays = await Promise.all(
      ['/products', '/api/products/1', '/api/orders/1'].flatMap((path) => [first, second].map((gateway) => appliedWithin(gateway, path, 'legacy', since))),
    );
    console.log(`rollback of all routes applied on both gateways after at most ${Math.max(...delays)} ms`);
    const listed = (await gatewayAdmin(second, 'GET', '/routes')).json.routes;
    expect(listed.every((route: { state: string }) => route.state === 'legacy')).toBe(true);
  });
});

function legacyLoginThrough(gateway: ServiceProcess, email: string): Promise<string> {
  return legacyLogin(gateway.url, email);
}
