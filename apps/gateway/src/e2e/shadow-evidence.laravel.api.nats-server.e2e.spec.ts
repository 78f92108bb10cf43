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

// Shadow samples and the promotion gate, through the real gateway in front of the real Laravel
// monolith (php -S), with the real api slice and a real nats-server.
//   /products: the slice has no such page (404), so every shadowed request is a mismatch whose
//     sample holds the monolith's HTML (CSRF meta tag, hidden _token, the user's e-mail).
//   /api/products: compared on x-powered-by too (php -S sends one, the slice does not), so a
//     sample with both JSON bodies is stored; a configured path is redacted in them.
// The monolith runs with APP_DEBUG=false, as in production (debug error pages carry traces).
//   /api/products/{id} and /api/orders/{id}: need a login (auth: true), gated on evidence.
const ROUTES = `
routes:
  - { method: GET|HEAD, path: /products, state: shadow, service: api }
  - { method: GET|HEAD, path: /api/products, state: shadow, service: api, shadow: { headers: [content-type, x-powered-by], redact: ['$.data[*].name'] } }
  - { method: GET|HEAD, path: '/api/products/{id}', state: shadow, service: api, auth: true, shadow: { minSamples: 3 } }
  - { method: GET|HEAD, path: '/api/orders/{id}', state: shadow, service: api, auth: true, shadow: { minSamples: 3 } }
`;

const SECRETS = {
  query: 's3cr3t-query-value',
  apiKey: 's3cr3t-api-key-value',
  signature: 's3cr3t-signature-value',
  bearer: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIyIn0.s3cr3t-bearer',
  email: 'jane.roe@example.org',
  card: '4111 1111 1111 1111',
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- mismatch records as the admin API returns them
type Sample = any;

describe('shadow samples and promotion evidence against the real monolith, slice and NATS', () => {
  let nats: NatsServerHandle;
  let legacy: LegacyApp;
  let api: ServiceProcess;
  let gateway: ServiceProcess;
  let routes: { path: string; remove(): void };
  let customerCookies: string;

  beforeAll(async () => {
    nats = await startNatsServer();
    legacy = await startLegacyApp({ env: { APP_DEBUG: 'false' } });
    routes = writeRoutesFile(ROUTES);
    api = await startService({
      app: 'api',
      env: { DATABASE_URL: legacy.databaseUrl, NATS_URL: nats.url, IDENTITY_TOKEN_SECRET: E2E_IDENTITY_SECRET, LOG_LEVEL: 'warn' },
    });
    gateway = await startGateway({
      natsUrl: nats.url,
      legacyUrl: legacy.url,
      databaseUrl: legacy.databaseUrl,
      routesFile: routes.path,
      bucket: 'e2e_shadow_routes',
      services: { api: api.url },
      env: { APP_KEY: legacy.appKey, SESSION_FILES: `${legacy.storagePath}/framework/sessions` },
    });
    await waitUntil(async () => (await gatewayAdmin(gateway, 'GET', '/routes')).json?.loaded === true, {
      timeoutMs: 20_000,
      description: 'route table loaded',
    });
    customerCookies = await legacyLogin(gateway.url, 'customer@example.test');
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([gateway?.stop(), api?.stop()]);
    await legacy?.close();
    await nats?.stop();
    routes?.remove();
  });

  async function samples(id: string, count: number): Promise<Sample[]> {
    return waitUntil(
      async () => {
        const mismatches = (await gatewayAdmin(gateway, 'GET', `/diffs?id=${encodeURIComponent(id)}&limit=20`)).json.mismatches as Sample[];
        return mismatches.length >= count ? mismatches : undefined;
      },
      { timeoutMs: 20_000, description: `${count} stored sample(s) of ${id}` },
    );
  }

  async function evidence(id: string, enough: (match: Sample) => boolean): Promise<Sample> {
    return waitUntil(
      async () => {
        const route = (await gatewayAdmin(gateway, 'GET', '/routes')).json.routes.find((candidate: { id: string }) => candidate.id === id);
        return route?.shadowMatch && enough(route.shadowMatch) ? route.shadowMatch : undefined;
      },
      { timeoutMs: 20_000, description: `shadow evidence of ${id}` },
    );
  }

  it('a sample keeps no secret of the request (query, headers) or of the answers (CSRF token, e-mail)', async () => {
    const page = await fetch(`${legacy.url}/products`, { headers: { cookie: customerCookies } }).then((response) => response.text());
    const csrfToken = /<meta name="csrf-token" content="([^"]+)"/.exec(page)?.[1] ?? '';
    expect(csrfToken.length).toBeGreaterThan(20);
    expect(page).toContain('customer@example.test');
    const cookieValues = customerCookies.split('; ').map((pair) => pair.slice(pair.indexOf('=') + 1));

    const answer = await throughGateway(gateway, `/products?token=${SECRETS.query}&contact=${encodeURIComponent(SECRETS.email)}`, {
      headers: {
        cookie: customerCookies,
        'x-api-key': SECRETS.apiKey,
        'x-hub-signature-256': SECRETS.signature,
        authorization: `Bearer ${SECRETS.bearer}`,
        'x-contact': SECRETS.email,
        'x-note': `paid with ${SECRETS.card}`,
      },
    });
    expect(answer).toMatchObject({ status: 200, backend: 'legacy' });
    expect(answer.body).toContain(csrfToken); // the client's own answer is untouched

    const [sample] = (await samples('GET|HEAD /products', 1)).filter((record: Sample) => record.url.startsWith('/products?'));
    expect(sample).toBeDefined();
    const stored = JSON.stringify(sample);
    const leaked = [...Object.values(SECRETS), encodeURIComponent(SECRETS.email), csrfToken, 'customer@example.test', ...cookieValues].filter((secret) =>
      stored.includes(secret),
    );
    expect(leaked).toEqual([]);
    expect(sample.url).toBe('/products?token=[redacted]&contact=[redacted]');
    expect(sample.request.headers).toMatchObject({
      cookie: '[redacted]',
      'x-api-key': '[redacted]',
      'x-hub-signature-256': '[redacted]',
      authorization: '[redacted]',
      'x-contact': '[redacted]',
      'x-note': 'paid with [redacted]',
    });
    expect(sample.differences[0]).toMatchObject({ key: 'status', legacy: 200, service: 404 });
    expect(sample.legacy.body).toContain('<meta name="csrf-token" content="[redacted]">');
    expect(sample.legacy.body).toMatch(/<input type="hidden" name="_token" value="\[redacted\]"/);
  });

  it('JSON bodies of a sample: configured paths redacted, the rest kept for the diff', async () => {
    const direct = (await fetch(`${legacy.url}/api/products?per_page=3`).then((response) => response.json())) as {
      data: { name: string; price_cents: number }[];
    };
    expect(direct.data.length).toBeGreaterThan(0);
    expect((await throughGateway(gateway, `/api/products?per_page=3&api_token=${SECRETS.query}`, { headers: { cookie: customerCookies } })).status).toBe(200);

    const [sample] = await samples('GET|HEAD /api/products', 1);
    console.log(`/api/products sample differences: ${JSON.stringify(sample.differences)}`);
    expect(sample.url).toBe('/api/products?per_page=[redacted]&api_token=[redacted]');
    const stored = JSON.stringify(sample);
    expect(stored).not.toContain(SECRETS.query);
    expect(direct.data.map((product) => product.name).filter((name) => stored.includes(`"${name}"`))).toEqual([]);
    for (const body of [sample.legacy.body, sample.service.body]) {
      expect(body.data.map((product: { name: unknown }) => product.name)).toEqual(direct.data.map(() => '[redacted]'));
      expect(body.data.map((product: { price_cents: unknown }) => product.price_cents)).toEqual(direct.data.map((product) => product.price_cents));
    }
  });

  it('a route shadowed only with 404s and anonymous calls is refused promotion, and promoted once logged-in callers got matching 2xx answers', async () => {
    // Orders: anonymous callers get 401, a logged-in caller asking for a missing order 404 — from both sides.
    for (let index = 0; index < 3; index++)
      expect((await throughGateway(gateway, '/api/orders/1', { headers: { accept: 'application/json' } })).status).toBe(401);
    for (let index = 0; index < 3; index++)
      expect(
        (await throughGateway(gateway, `/api/orders/${900_000 + index}`, { headers: { cookie: customerCookies, accept: 'application/json' } })).status,
      ).toBe(404);
    // Product detail: anonymous callers get 200.
    for (let id = 1; id <= 4; id++) expect((await throughGateway(gateway, `/api/products/${id}`)).status).toBe(200);

    const orders = await evidence('GET|HEAD /api/orders/:id', (match) => match.samples >= 6);
    const products = await evidence('GET|HEAD /api/products/:id', (match) => match.samples >= 4);
    console.log(`evidence: orders ${JSON.stringify(orders)}, products ${JSON.stringify(products)}`);
    expect(orders.rate).toBe(1);
    expect(products.rate).toBe(1);
    const refusedOrders = await gatewayAdmin(gateway, 'POST', '/routes/promote', { id: 'GET|HEAD /api/orders/:id', reason: 'only errors seen', by: 'e2e' });
    expect(refusedOrders.status).toBe(409);
    expect(refusedOrders.json.detail).toContain('0 of 3 matching 2xx answers');
    const refusedProducts = await gatewayAdmin(gateway, 'POST', '/routes/promote', {
      id: 'GET|HEAD /api/products/:id',
      reason: 'only anonymous callers seen',
      by: 'e2e',
    });
    expect(refusedProducts.status).toBe(409);
    expect(refusedProducts.json.detail).toContain('0 of 3 matching 2xx answers to logged-in callers');
    expect(orders.byStatus).toMatchObject({
      '4xx': { anonymous: { matches: 3 }, authenticated: { matches: 3 } },
      '2xx': { anonymous: { matches: 0 }, authenticated: { matches: 0 } },
    });
    expect(products.byStatus).toMatchObject({ '2xx': { anonymous: { matches: 4 }, authenticated: { matches: 0 } } });

    const listed = (await gatewayAdmin(gateway, 'GET', '/routes')).json.routes.find((route: { id: string }) => route.id === 'GET|HEAD /api/products/:id');
    expect(listed.shadowGate).toMatchObject({ promotable: false });

    for (let id = 1; id <= 3; id++) expect((await throughGateway(gateway, `/api/products/${id}`, { headers: { cookie: customerCookies } })).status).toBe(200);
    await evidence('GET|HEAD /api/products/:id', (match) => match.byStatus?.['2xx']?.authenticated?.matches >= 3);
    const promoted = await gatewayAdmin(gateway, 'POST', '/routes/promote', {
      id: 'GET|HEAD /api/products/:id',
      to: 'canary',
      canaryPercent: 0,
      reason: 'shadow proof with logged-in callers',
      by: 'e2e',
    });
    expect(promoted.status).toBe(200);
    expect(promoted.json.route.state).toBe('canary');
    expect(promoted.json.matchRate.byStatus['2xx'].authenticated.matches).toBeGreaterThanOrEqual(3);
  });
});
