import { createServer, type Server } from 'node:http';
import {
  freePort,
  startNatsServer,
  tempDir,
  type NatsServerHandle,
  type ServiceProcess,
  E2E_ADMIN_TOKEN,
  gatewayAdmin,
  openEventStream,
  startGateway,
  throughGateway,
  writeRoutesFile,
  type GatewayOptions,
} from '@offramp/testing';

// The dashboard's data on two gateway replicas sharing one real nats-server: traffic through
// either is read back per minute and summed from either (NATS KV), it outlives a replica's
// restart, and a change made on one replica reaches an event stream open on the other.
describe('traffic history and live events across replicas', () => {
  let nats: NatsServerHandle;
  let upstream: Server;
  let one: ServiceProcess;
  let two: ServiceProcess;
  let routes: { path: string; remove(): void };
  let folder: { path: string; remove(): void };
  let options: GatewayOptions;

  beforeAll(async () => {
    nats = await startNatsServer();
    // The monolith's web server: a loopback HTTP server answering 200 or, for /boom, 500.
    upstream = createServer((req, res) => {
      res.writeHead(req.url === '/boom' ? 500 : 200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    const port = await freePort();
    await new Promise<void>((resolve) => upstream.listen(port, '127.0.0.1', resolve));
    folder = tempDir('offramp-history-');
    routes = writeRoutesFile(`
routes:
  - { method: GET, path: /hello, state: legacy }
  - { method: GET, path: /boom, state: legacy }
`);
    options = {
      natsUrl: nats.url,
      legacyUrl: `http://127.0.0.1:${port}`,
      databaseUrl: `sqlite://${folder.path}/gateway.sqlite`,
      routesFile: routes.path,
      bucket: 'history_routes',
      env: { GATEWAY_HISTORY_BUCKET: 'history_e2e' },
    };
    // One after the other: two starting at once on a small shared machine can miss the start-up bound.
    one = await startGateway(options);
    two = await startGateway(options);
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([one?.stop(), two?.stop()]);
    upstream?.closeAllConnections();
    await new Promise((resolve) => upstream?.close(resolve));
    await nats?.stop();
    routes?.remove();
    folder?.remove();
  });

  it('sums the minutes of both replicas and keeps them when a replica restarts', async () => {
    for (let index = 0; index < 6; index++) expect((await throughGateway(one, '/hello')).status).toBe(200);
    for (let index = 0; index < 4; index++) expect((await throughGateway(two, '/hello')).status).toBe(200);
    expect((await throughGateway(two, '/boom')).status).toBe(500);

    const legacyRequests = async (replica: ServiceProcess) => {
      const { status, json } = await gatewayAdmin(replica, 'GET', '/traffic/series?method=GET&path=/hello&minutes=60');
      expect(status).toBe(200);
      return json.total.backends.find((backend: { backend: string }) => backend.backend === 'legacy')?.requests ?? 0;
    };
    // Each replica writes its minutes about once a second; a read writes the reader's own first.
    await waitFor(async () => (await legacyRequests(one)) === 10);
    expect(await legacyRequests(two)).toBe(10);

    const table = await gatewayAdmin(one, 'GET', '/traffic/routes?minutes=5');
    const boom = table.json.routes.find((route: { id: string }) => route.id === 'GET /boom');
    expect(boom.backends).toEqual([
      expect.objectContaining({ backend: 'legacy', requests: 1, errorRate: 1, statusClasses: expect.objectContaining({ '5xx': 1 }) }),
    ]);

    const whole = await gatewayAdmin(two, 'GET', '/traffic/series?minutes=60');
    expect(whole.json.total.backends).toEqual([expect.objectContaining({ backend: 'legacy', requests: 11 })]);
    expect(whole.json.minutes.length).toBeGreaterThanOrEqual(1);

    await one.stop();
    one = await startGateway(options);
    expect(await legacyRequests(one)).toBe(10);

    expect((await gatewayAdmin(one, 'GET', '/traffic/series?minutes=0')).json).toMatchObject({ status: 400, 'invalid-params': [{ name: 'minutes' }] });
  }, 60_000);

  it('streams a change made on one replica to an event stream open on the other', async () => {
    const events = await openEventStream(`${two.adminUrl}/_offramp/admin/events`, { authorization: `Bearer ${E2E_ADMIN_TOKEN}` });
    expect(events.status).toBe(200);
    expect(events.contentType).toMatch(/^text\/event-stream/);
    try {
      // The stream's watchers start with the gateway; give them a moment before the change.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const changed = await gatewayAdmin(one, 'PUT', '/routes', {
        route: { method: 'GET', path: '/hello', state: 'legacy', timeoutMs: 1234 },
        by: 'e2e',
        reason: 'events',
      });
      expect(changed.status).toBe(200);
      const seen = await events.until(/event: route\n(?:id: \d+\n)?data: .*"by":"e2e"/, 5_000);
      expect(seen).toMatch(/event: route\n(?:id: \d+\n)?data: \{[^\n]*"id":"GET \/hello"[^\n]*"by":"e2e","reason":"events"/);
    } finally {
      events.close();
    }
  }, 30_000);

  it('serves the built dashboard on the admin listener, and the public port leaves that path to the monolith', async () => {
    // The gateway's build builds apps/dashboard first (an implicit dependency in its project.json).
    const page = await fetch(`${one.adminUrl}/_offramp/dashboard/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${one.adminUrl}/_offramp/dashboard/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${one.adminUrl}/_offramp/dashboard/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${one.adminUrl}/_offramp/dashboard`, { redirect: 'manual' })).headers.get('location')).toBe('/_offramp/dashboard/');
    expect((await throughGateway(one, '/_offramp/dashboard/')).backend).toBe('legacy');
  });
});

async function waitFor(check: () => Promise<boolean>, withinMs = 5_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not true within ${withinMs} ms`);
}
