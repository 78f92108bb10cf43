import { createServer, type Server } from 'node:http';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  E2E_ADMIN_TOKEN,
  gatewayAdmin,
  openEventStream,
  startGateway,
  startNatsServer,
  tempSqlite,
  throughGateway,
  waitUntil,
  writeRoutesFile,
  type NatsServerHandle,
  type ServiceProcess,
  type TempSqlite,
} from '@offramp/testing';
import { routeKey } from './route-key.js';

// Values in the routes bucket that are not routes, written by hand (`nats kv put`) or by a broken
// tool, against the real gateway process and a real nats-server: one key must not take the edge
// down. Before the fix, a value that was not JSON threw inside the KV watch's loop, an unhandled
// rejection that ended the gateway process, and every restart replayed it.
const BUCKET = 'bad_values_routes';

describe('gateway with values in its routes bucket that are not routes', () => {
  let nats: NatsServerHandle;
  let nc: NatsConnection;
  let db: TempSqlite;
  let upstream: Server;
  let legacyUrl: string;
  let routes: { path: string; remove(): void };
  const gateways: ServiceProcess[] = [];

  const start = async () => {
    const gateway = await startGateway({
      natsUrl: nats.url,
      legacyUrl,
      databaseUrl: db.url,
      routesFile: routes.path,
      bucket: BUCKET,
      services: { api: legacyUrl },
    });
    gateways.push(gateway);
    await waitUntil(async () => (await gatewayAdmin(gateway, 'GET', '/routes')).json?.loaded === true, { description: 'route table loaded' });
    return gateway;
  };
  const routeIds = async (gateway: ServiceProcess) => ((await gatewayAdmin(gateway, 'GET', '/routes')).json.routes as Array<{ id: string }>).map((r) => r.id);

  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connect({ servers: nats.url });
    db = tempSqlite();
    upstream = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(`monolith ${req.url}`));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const address = upstream.address();
    if (!address || typeof address === 'string') throw new Error('upstream has no port');
    legacyUrl = `http://127.0.0.1:${address.port}`;
    routes = writeRoutesFile(
      ['routes:', "  - { method: GET, path: '/a/{id}', state: service, service: api }", "  - { method: GET, path: '/b/{id}', state: legacy }", ''].join('\n'),
    );
  }, 60_000);

  afterAll(async () => {
    for (const gateway of gateways) if (gateway.isRunning()) await gateway.stop('SIGKILL');
    await nc?.close();
    await new Promise<void>((resolve) => upstream?.close(() => resolve()));
    await nats?.stop();
    routes?.remove();
    db?.remove();
  });

  /** The admin event stream: the dashboard's live feed, which watches the bucket too. */
  const openEvents = (gateway: ServiceProcess) => openEventStream(`${gateway.adminUrl}/_offramp/admin/events`, { authorization: `Bearer ${E2E_ADMIN_TOKEN}` });

  it('keeps running, takes the route out (its requests go to the monolith), and applies the next changes', async () => {
    const gateway = await start();
    expect(await routeIds(gateway)).toEqual(['GET /a/:id', 'GET /b/:id']);
    // The live feed watches the bucket too: once it has told a change, it is watching.
    const events = await openEvents(gateway);
    await waitUntil(
      async () => {
        await gatewayAdmin(gateway, 'PUT', '/routes', { route: { method: 'GET', path: '/e/{id}', state: 'legacy' }, reason: `feed check ${Date.now()}` });
        const seenSoFar = await events.until(/"id":"GET \/e\/:id"/, 1_000);
        return /"id":"GET \/e\/:id"/.test(seenSoFar);
      },
      { description: 'the live feed watching the routes bucket' },
    );
    const kv = await new Kvm(nc).open(BUCKET);
    await kv.put(routeKey('GET /a/:id'), 'this is not JSON {');
    await kv.put(routeKey('GET /c/:id'), JSON.stringify({ route: { method: 'BREW', path: 42 }, change: {} }));

    // The next change through the admin API still reaches the table.
    const set = await gatewayAdmin(gateway, 'PUT', '/routes', { route: { method: 'GET', path: '/d/{id}', state: 'legacy' }, reason: 'after the bad values' });
    expect(set.status).toBe(200);
    await waitUntil(async () => (await routeIds(gateway)).includes('GET /d/:id'), { description: 'the change after the bad values applied' });
    expect(gateway.isRunning()).toBe(true);
    expect((await fetch(`${gateway.adminUrl}/health/live`)).status).toBe(200);
    expect(await routeIds(gateway)).toEqual(['GET /b/:id', 'GET /d/:id', 'GET /e/:id']);
    expect(await events.until(/"id":"GET \/a\/:id"[^\n]*"deleted":true/)).toMatch(
      /"id":"GET \/a\/:id"[^\n]*"reason":"not a route \(not JSON\)[^\n]*"deleted":true/,
    );
    events.close();
    const answer = await throughGateway(gateway, '/a/1');
    expect([answer.status, answer.backend, answer.body]).toEqual([200, 'legacy', 'monolith /a/1']);

    // The audit log shows the bad revision instead of failing.
    const history = await gatewayAdmin(gateway, 'GET', '/routes/history?method=GET&path=/a/{id}');
    expect(history.status).toBe(200);
    expect(JSON.stringify(history.json)).toContain('not a route');
  });

  it('a gateway started on the bucket as it is now starts, with the same table', async () => {
    const second = await start();
    expect(await routeIds(second)).toEqual(['GET /b/:id', 'GET /d/:id', 'GET /e/:id']);
    expect((await throughGateway(second, '/a/1')).backend).toBe('legacy');
  });
});
