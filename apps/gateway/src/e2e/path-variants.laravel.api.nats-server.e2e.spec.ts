import { request } from 'node:http';
import {
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
  writeRoutesFile,
} from '@offramp/testing';

// One path, one meaning: every migrated route of apps/gateway/routes.yaml in `service`, in front of
// the real Laravel monolith (php -S), the real api slice and a real nats-server. Each path variant
// the monolith answers must be answered by the slice through the gateway with the same status and
// the same bytes; what the two could read differently is refused before any backend sees it.
const ROUTES = `
routes:
  - { method: GET|HEAD, path: /api/products, state: service, service: api, fallback: false }
  - { method: GET|HEAD, path: '/api/products/{id}', state: service, service: api, fallback: false }
  - { method: POST, path: /api/orders, state: service, service: api, fallback: false, csrf: false }
  - { method: GET|HEAD, path: '/api/orders/{id}', state: service, service: api, fallback: false }
  - { method: PATCH, path: '/api/admin/products/{id}', state: service, service: api, fallback: false, csrf: false }
`;

interface Answer {
  status: number;
  contentType: string | undefined;
  body: string;
  backend: string | undefined;
}

/** node:http, not fetch: fetch normalises the path (dot segments, escapes) before sending it. */
function send(baseUrl: string, method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Answer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const sent = request(
      { host: hostname, port, method, path, headers: { accept: 'application/json', ...headers }, agent: false, timeout: 15_000 },
      (response) => {
        let body = '';
        response.setEncoding('latin1');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: response.headers['content-type'],
            body,
            backend: response.headers['x-offramp-backend'] as string | undefined,
          }),
        );
      },
    );
    sent.on('timeout', () => sent.destroy(new Error(`${method} ${path}: no answer`)));
    sent.on('error', reject);
    sent.end(body);
  });
}

describe('path variants: the slice answers every variant the monolith answers (real Laravel, api slice, nats-server)', () => {
  let nats: NatsServerHandle;
  let legacy: LegacyApp;
  let api: ServiceProcess;
  let gateway: ServiceProcess;
  let routes: { path: string; remove(): void };
  let cookie: string;

  beforeAll(async () => {
    nats = await startNatsServer();
    // As in production: error answers without debug traces (a slice never shows PHP's stack).
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
      bucket: 'path_routes',
      services: { api: api.url },
      env: { APP_KEY: legacy.appKey, SESSION_FILES: `${legacy.storagePath}/framework/sessions` },
    });
    await waitUntil(async () => (await gatewayAdmin(gateway, 'GET', '/routes')).json?.loaded === true, {
      timeoutMs: 20_000,
      description: 'route table loaded',
    });
    cookie = await legacy.login('customer@example.test');
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([gateway?.stop(), api?.stop()]);
    await legacy?.close();
    await nats?.stop();
    routes?.remove();
  });

  const readVariants: [string, string, string[]][] = [
    ['GET', '/api/products/3', ['/api/products/3/', '/api/products/%33', '/api/products/003', '/index.php/api/products/3', '/api/%70roducts/3']],
    // Not `/index.php/api/products` nor `/api/product%73` here: the monolith's paginator links
    // spell the path as it came, the slice's spell the canonical path (same pages, other bytes).
    ['GET', '/api/products?per_page=5&page=2', ['/api/products/?per_page=5&page=2', '/api/products//?per_page=5&page=2']],
    ['GET', '/api/products/999999', ['/api/products/999999/', '/api/products/%39%39%39%39%39%39']],
    ['GET', '/api/orders/1', ['/api/orders/1/', '/api/orders/%31', '/api/orders/01']],
  ];

  it.each(readVariants)('%s %s: every variant gets the monolith’s status and bytes from the slice', async (method, canonical, variants) => {
    // The monolith asked directly, with the Host a client of the gateway sends: its absolute links match.
    const headers: Record<string, string> = { host: new URL(gateway.url).host, ...(canonical.startsWith('/api/orders') ? { cookie } : {}) };
    for (const path of [canonical, ...variants]) {
      for (const verb of [method, 'HEAD']) {
        const [direct, proxied] = await Promise.all([send(legacy.url, verb, path, headers), send(gateway.url, verb, path, headers)]);
        const context = `${verb} ${path}`;
        expect({ context, backend: proxied.backend }).toEqual({ context, backend: 'api' });
        expect({ context, status: proxied.status, contentType: proxied.contentType, body: proxied.body }).toEqual({
          context,
          status: direct.status,
          contentType: direct.contentType,
          body: direct.body,
        });
      }
    }
  });

  it('leaves to the monolith what its router does not read as the route (and it answers 404)', async () => {
    for (const path of ['//api/products/3', '/api//products/3']) {
      const [direct, proxied] = await Promise.all([send(legacy.url, 'GET', path), send(gateway.url, 'GET', path)]);
      expect({ path, backend: proxied.backend, status: proxied.status }).toEqual({ path, backend: 'legacy', status: direct.status });
      expect(direct.status).toBe(404);
    }
  });

  it('sends a write to the slice under every spelling of its path, never to the monolith', async () => {
    for (const path of ['/api/orders', '/api/orders/', '/api/%6Frders', '/index.php/api/orders']) {
      const answer = await send(gateway.url, 'POST', path, { 'content-type': 'application/json' });
      expect({ path, backend: answer.backend }).toEqual({ path, backend: 'api' });
    }
  });

  it.each([
    ['POST', '/api%2Forders'],
    ['POST', '/api%2forders'],
    ['GET', '/api/products/1/..%2F..%2Forders/1'],
    ['GET', '/api/products/%2e%2e/orders/1'],
    ['GET', '/api/x/../orders/1'],
    ['GET', '/api/products/%00'],
    ['GET', '/api/products/%zz'],
    ['GET', '/api/products/%ff'],
  ])('refuses %s %s with 400 problem+json before any backend', async (method, path) => {
    const answer = await send(gateway.url, method, path);
    expect({ path, status: answer.status, contentType: answer.contentType, backend: answer.backend }).toEqual({
      path,
      status: 400,
      contentType: 'application/problem+json',
      backend: undefined,
    });
    expect(JSON.parse(answer.body)).toMatchObject({ status: 400, title: 'Bad Request' });
  });

  it('refuses an encoded slash on an unmatched path too, whatever the route’s state', async () => {
    const answer = await send(gateway.url, 'GET', '/reports%2Fsales.csv');
    expect(answer.status).toBe(400);
  });

  describe('a POST that overrides its method', () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const json = { 'content-type': 'application/json' };
    const spellings: [string, Record<string, string>, string | undefined][] = [
      ['X-HTTP-Method-Override', { 'x-http-method-override': 'PATCH' }, undefined],
      ['_method in a form body', form, 'name=x&_method=patch'],
      ['_method in a JSON body', json, '{"_method":"PATCH","name":"x"}'],
      ['_method in the query', {}, undefined],
    ];

    it('is the overridden method for the monolith itself', async () => {
      // Laravel answers a plain POST here 405 (no such route) and a PATCH 419 (web group, no token).
      expect((await send(legacy.url, 'POST', '/api/admin/products/1', form, 'name=x')).status).toBe(405);
      const patch = await send(legacy.url, 'PATCH', '/api/admin/products/1', form, 'name=x');
      for (const [, headers, body] of spellings) {
        const path = body === undefined && !headers['x-http-method-override'] ? '/api/admin/products/1?_method=PATCH' : '/api/admin/products/1';
        expect((await send(legacy.url, 'POST', path, headers, body)).status).toBe(patch.status);
      }
    });

    it.each(spellings)('is routed as that method when it says so with %s', async (_spelling, headers, body) => {
      const path = body === undefined && !headers['x-http-method-override'] ? '/api/admin/products/1?_method=PATCH' : '/api/admin/products/1';
      const answer = await send(gateway.url, 'POST', path, headers, body);
      expect(answer.backend).toBe('api'); // the PATCH route is in service: never the monolith's PATCH code
    });

    it('refuses an override the monolith would refuse, and a body too large to read for it', async () => {
      expect((await send(gateway.url, 'POST', '/api/admin/products/1', form, '_method=PA%20TCH')).status).toBe(400);
      const large = await send(gateway.url, 'POST', '/api/admin/products/1', form, `_method=PATCH&pad=${'a'.repeat(1_100_000)}`);
      expect(large.status).toBe(413);
    });
  });
});
