import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  alive,
  childrenOf,
  E2E_IDENTITY_SECRET,
  freeConsecutivePorts,
  startNatsServer,
  startService,
  tempSqlite,
  waitUntil,
  type NatsServerHandle,
  type ServiceProcess,
  type TempSqlite,
} from '@offramp/testing';

const ADMIN_TOKEN = 'workers-admin-token-0123456789';

// GATEWAY_WORKERS=2 (the built dist/main.js, a real nats-server, SQLite): two gateway processes
// share the public port, each has its own admin listener (GATEWAY_ADMIN_PORT and the next port),
// a route set through one worker's admin API reaches the other through the NATS KV watch, and a
// SIGTERM to the primary stops both workers.
describe('gateway cluster mode (GATEWAY_WORKERS, nats-server, SQLite)', () => {
  let nats: NatsServerHandle;
  let db: TempSqlite;
  let gateway: ServiceProcess | undefined;
  const monolith = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`monolith ${req.url}`);
  });

  beforeAll(async () => {
    nats = await startNatsServer();
    db = tempSqlite();
    await new Promise<void>((resolve) => monolith.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await gateway?.stop('SIGKILL');
    await nats?.stop();
    db?.remove();
    monolith.closeAllConnections();
    monolith.close();
  });

  it('runs two workers behind one public port, each with its admin port, sharing route changes, stopped together', async () => {
    gateway = await startService({
      app: 'gateway',
      adminPortVariable: 'GATEWAY_ADMIN_PORT',
      // The second worker takes the next port: both free (a port found free alone had its next taken once: EADDRINUSE).
      adminPort: await freeConsecutivePorts(2),
      env: {
        NATS_URL: nats.url,
        DATABASE_URL: db.url,
        LEGACY_URL: `http://127.0.0.1:${(monolith.address() as AddressInfo).port}`,
        GATEWAY_SERVICES: 'slice=http://127.0.0.1:9',
        GATEWAY_WORKERS: '2',
        GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN,
        IDENTITY_TOKEN_SECRET: E2E_IDENTITY_SECRET,
        LOG_LEVEL: 'warn',
      },
      timeoutMs: 60_000,
    });
    const primary = gateway.pid ?? 0;
    await waitUntil(() => childrenOf(primary).length === 2, { timeoutMs: 30_000, description: 'two workers' });
    const workers = childrenOf(primary);
    const firstAdmin = gateway.adminUrl;
    const secondAdmin = firstAdmin.replace(/:(\d+)$/, (_, port: string) => `:${Number(port) + 1}`);
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    for (const admin of [firstAdmin, secondAdmin]) {
      await waitUntil(async () => (await fetch(`${admin}/health/live`).catch(() => undefined))?.status === 200, {
        timeoutMs: 30_000,
        description: `${admin} live`,
      });
    }

    // Fresh connections land on either worker: every one is answered.
    for (let i = 0; i < 20; i++) {
      const response = await fetch(`${gateway.url}/hello/${i}`, { headers: { connection: 'close' } });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(`monolith /hello/${i}`);
    }

    const set = await fetch(`${firstAdmin}/_offramp/admin/routes`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ route: { method: 'GET', path: '/moved/{id}', state: 'shadow', service: 'slice' }, by: 'test', reason: 'cluster mode' }),
    });
    expect(set.status).toBe(200);
    await waitUntil(
      async () => {
        const response = await fetch(`${secondAdmin}/_offramp/admin/routes/resolve?method=GET&path=/moved/7`, { headers: auth });
        if (!response.ok) return false;
        const body = (await response.json()) as { route?: { state?: string } };
        return body.route?.state === 'shadow';
      },
      { timeoutMs: 15_000, description: 'the second worker sees the route set through the first' },
    );

    await gateway.stop('SIGTERM');
    expect(await gateway.exited).toBe(0);
    await waitUntil(() => workers.every((pid) => !alive(pid)), { timeoutMs: 15_000, description: 'both workers stopped' });
  }, 120_000);

  it('refuses GATEWAY_WORKERS=0 at start-up with one line naming it (exit 78)', async () => {
    const broken = await startService({
      app: 'gateway',
      adminPortVariable: 'GATEWAY_ADMIN_PORT',
      waitForLive: false,
      env: {
        NATS_URL: nats.url,
        DATABASE_URL: db.url,
        LEGACY_URL: `http://127.0.0.1:${(monolith.address() as AddressInfo).port}`,
        GATEWAY_WORKERS: '0',
        IDENTITY_TOKEN_SECRET: E2E_IDENTITY_SECRET,
        LOG_LEVEL: 'warn',
      },
    });
    try {
      expect(await broken.exited).toBe(78);
    } finally {
      await broken.stop('SIGKILL');
    }
    expect(broken.output().trim()).toMatch(/^gateway: configuration error: GATEWAY_WORKERS: expected gateway processes on this host \(1-64\)/);
  }, 60_000);
});
