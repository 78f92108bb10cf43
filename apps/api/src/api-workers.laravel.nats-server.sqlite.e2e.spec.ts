import { request } from 'node:http';
import { IdentityTokenSigner, identityKeysFromConfig } from '@offramp/platform';
import {
  alive,
  artisan,
  childrenOf,
  startNatsServer,
  startService,
  tempSqlite,
  waitUntil,
  type NatsServerHandle,
  type ServiceProcess,
  type TempSqlite,
} from '@offramp/testing';

const SECRET = 'api-workers-e2e-secret-0123456789abcdef';

/** One request on a connection of its own, so that the cluster hands each to the next worker. */
function once(url: string, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, headers, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

// API_WORKERS=2 (the built dist/main.js, the Laravel app's migrations and seed on SQLite, a real
// nats-server): two api processes behind one port, one /metrics for both, the order rate limit
// held across them, and a SIGTERM to the primary stopping both.
describe('api with API_WORKERS (real Laravel schema, nats-server, SQLite)', () => {
  let db: TempSqlite;
  let nats: NatsServerHandle;
  let api: ServiceProcess | undefined;

  beforeAll(async () => {
    db = tempSqlite();
    await artisan(db.url, ['migrate', '--force']);
    await artisan(db.url, ['shop:seed', '--products=50', '--users=3', '--orders=0']);
    nats = await startNatsServer();
  }, 180_000);

  afterAll(async () => {
    await api?.stop('SIGKILL');
    await nats?.stop();
    db?.remove();
  });

  it('serves from two workers with one /metrics, never lets an identity past API_RATE_LIMIT, and stops both on SIGTERM', async () => {
    const started = await startService({
      app: 'api',
      env: { DATABASE_URL: db.url, NATS_URL: nats.url, IDENTITY_TOKEN_SECRET: SECRET, API_WORKERS: '2', API_RATE_LIMIT: '4', LOG_LEVEL: 'warn' },
    });
    api = started;
    await waitUntil(() => childrenOf(started.pid).length === 2, { timeoutMs: 30_000, description: 'two workers' });
    const workers = childrenOf(started.pid);

    const answers = await Promise.all(Array.from({ length: 12 }, () => once(`${started.url}/api/products?per_page=2`, 'GET', { accept: 'application/json' })));
    expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill(200));
    // Whichever worker a scrape reaches, it counts the requests of both.
    for (let scrape = 0; scrape < 4; scrape += 1) {
      const metrics = await once(`${api.url}/metrics`, 'GET', {});
      const counted = /^http_server_request_duration_seconds_count\{method="GET",route="\/api\/products",status_code="200"[^}]*\} (\d+)$/m.exec(metrics.body);
      expect(Number(counted?.[1])).toBe(12);
    }

    // Ten orders of one identity, each on its own connection (so five reach each worker): each
    // worker counting to the whole limit let eight through; the limit holds over both.
    const signer = new IdentityTokenSigner(
      identityKeysFromConfig({ IDENTITY_TOKEN_ALG: 'HS256', IDENTITY_TOKEN_SECRET: SECRET, IDENTITY_TOKEN_TTL_S: 300 }, 'sign'),
    );
    const token = await signer.sign({ userId: '2', roles: [], source: 'laravel-session' }, { audience: 'api', csrfVerified: true });
    const orders = [];
    for (let attempt = 0; attempt < 10; attempt += 1) {
      orders.push(
        await once(
          `${api.url}/api/orders`,
          'POST',
          { accept: 'application/json', 'content-type': 'application/json', 'x-offramp-identity': token },
          '{"items":[{"product_id":1,"quantity":1}]}',
        ),
      );
    }
    const statuses = orders.map((order) => order.status);
    expect(statuses.filter((status) => status !== 429).length).toBeLessThanOrEqual(4);
    expect(statuses.filter((status) => status === 201).length).toBeGreaterThanOrEqual(2);

    await api.stop('SIGTERM');
    expect(await api.exited).toBe(0);
    await waitUntil(() => workers.every((pid) => !alive(pid)), { timeoutMs: 15_000, description: 'both workers stopped' });
  }, 120_000);

  it('refuses API_WORKERS=0 at start-up with one line naming it (exit 78)', async () => {
    const broken = await startService({
      app: 'api',
      waitForLive: false,
      env: { DATABASE_URL: db.url, NATS_URL: nats.url, IDENTITY_TOKEN_SECRET: SECRET, API_WORKERS: '0', LOG_LEVEL: 'warn' },
    });
    try {
      expect(await broken.exited).toBe(78);
    } finally {
      await broken.stop('SIGKILL');
    }
    expect(broken.output().trim()).toMatch(/^api: configuration error: API_WORKERS: expected api processes on this host sharing PORT \(1-64\)/);
  }, 60_000);
});
