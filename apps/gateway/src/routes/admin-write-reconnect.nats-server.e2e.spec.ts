import { createServer, type Server } from 'node:http';
import {
  freePort,
  startNatsServer,
  tempDir,
  waitUntil,
  type NatsServerHandle,
  type ServiceProcess,
  E2E_ADMIN_TOKEN,
  gatewayAdmin,
  startGateway,
  writeRoutesFile,
} from '@offramp/testing';

/**
 * An admin write while NATS is away (killed with -9, then started again on the same port and
 * store): it is answered within the store's bounded wait with 503 problem+json and Retry-After,
 * never left hanging; once NATS is back the same write succeeds, and the route's history holds
 * it exactly once.
 */
describe('admin writes while NATS reconnects (real gateway and nats-server)', () => {
  let nats: NatsServerHandle;
  let monolith: Server;
  let gateway: ServiceProcess;
  let routes: { path: string; remove(): void };
  let folder: { path: string; remove(): void };

  beforeAll(async () => {
    nats = await startNatsServer();
    monolith = createServer((_req, res) => res.end('monolith'));
    const port = await freePort();
    await new Promise<void>((resolve) => monolith.listen(port, '127.0.0.1', resolve));
    folder = tempDir('offramp-admin-reconnect-');
    routes = writeRoutesFile(`
routes:
  - { method: GET, path: /api/things, state: legacy, service: api }
`);
    gateway = await startGateway({
      natsUrl: nats.url,
      legacyUrl: `http://127.0.0.1:${port}`,
      databaseUrl: `sqlite://${folder.path}/gateway.sqlite`,
      routesFile: routes.path,
      bucket: 'admin_reconnect_routes',
      services: { api: `http://127.0.0.1:${await freePort()}` },
    });
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    monolith?.closeAllConnections();
    await new Promise((resolve) => monolith?.close(resolve));
    await nats?.stop();
    routes?.remove();
    folder?.remove();
  });

  const change = {
    route: { method: 'GET', path: '/api/things', state: 'shadow', service: 'api' },
    by: 'ops@example.test',
    reason: 'written while NATS was away',
  };

  it('answers 503 problem+json with Retry-After while NATS is down, and stores the write once after it returns', async () => {
    await waitUntil(async () => (await gatewayAdmin(gateway, 'GET', '/routes')).json?.loaded === true, {
      timeoutMs: 10_000,
      description: 'routes loaded from NATS',
    });
    await nats.kill9();

    const response = await fetch(`${gateway.adminUrl}/_offramp/admin/routes`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(change),
      // Far beyond the store's bounded wait (2 s): a hang fails here, not as a test timeout.
      signal: AbortSignal.timeout(10_000),
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(await response.json()).toMatchObject({ status: 503, title: 'Service Unavailable' });
    // Reads go on from this replica's table meanwhile.
    expect((await gatewayAdmin(gateway, 'GET', '/routes')).status).toBe(200);

    await nats.restart();
    let stored: { status: number } | undefined;
    for (let attempt = 0; attempt < 40 && stored?.status !== 200; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 500));
      stored = await gatewayAdmin(gateway, 'PUT', '/routes', change);
      expect([200, 503]).toContain(stored.status);
    }
    expect(stored?.status).toBe(200);
    // Once more, as a client that did not see the 200 would: still one revision.
    expect((await gatewayAdmin(gateway, 'PUT', '/routes', change)).status).toBe(200);

    const { json } = await gatewayAdmin(gateway, 'GET', `/routes/history?method=GET&path=${encodeURIComponent('/api/things')}`);
    const writes = (json.history as Array<{ change: { reason: string }; route: { state: string } }>).filter((entry) => entry.change.reason === change.reason);
    expect(writes).toHaveLength(1);
    expect(writes[0].route.state).toBe('shadow');
  }, 90_000);
});
