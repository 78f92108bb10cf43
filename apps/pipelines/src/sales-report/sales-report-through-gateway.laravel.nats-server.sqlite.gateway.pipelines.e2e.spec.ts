import { join } from 'node:path';
import { createDataSourceOptions, runMigrationsLocked, sliceMigrationsTable } from '@offramp/persistence';
import { DEFER_HEADER } from '@offramp/contracts/http';
import {
  CookieJar,
  E2E_IDENTITY_SECRET,
  gatewayAdmin,
  seededRandom,
  startGateway,
  startLegacyApp,
  startNatsServer,
  startService,
  waitUntil,
  workspaceRoot,
  type LegacyApp,
  type NatsServerHandle,
  type ServiceProcess,
} from '@offramp/testing';
import { DataSource } from 'typeorm';
import { PIPELINES_MIGRATIONS } from '../migrations/pipelines-migrations.js';
import { DailySales } from './daily-sales.js';

/** Services start slowly on a machine shared with other work: generous, never a timing assertion. */
const STARTUP_TIMEOUT_MS = 60_000;

/**
 * GET /reports/sales.csv through the real gateway (apps/gateway/routes.yaml as the seed) in front of
 * the real Laravel monolith and pipelines, with a real nats-server: legacy → shadow (admin traffic
 * over many from/to, ≥ 99% match) → service, where pipelines answers byte for byte what the monolith did;
 * browsers' refusals, which write the monolith's session, deferred by pipelines to the monolith.
 */
describe('the sales report through the gateway (real Laravel, gateway, pipelines, nats-server)', () => {
  let nats: NatsServerHandle;
  let legacy: LegacyApp;
  let pipelines: ServiceProcess;
  let gateway: ServiceProcess;
  let sql: DataSource;

  beforeAll(async () => {
    nats = await startNatsServer();
    legacy = await startLegacyApp({ env: { APP_DEBUG: 'false', SEED_ORDERS: '1500', SEED_PRODUCTS: '100', SEED_USERS: '20' }, timeoutMs: 120_000 });
    sql = new DataSource(
      createDataSourceOptions({
        url: legacy.databaseUrl,
        poolSize: 1,
        migrations: PIPELINES_MIGRATIONS,
        migrationsTableName: sliceMigrationsTable('pipelines'),
      }),
    );
    await sql.initialize();
    await runMigrationsLocked(sql); // the migrate Job's order: tables, the rebuild, then the service
    await new DailySales(sql).rebuild();
    pipelines = await startService({
      app: 'pipelines',
      timeoutMs: STARTUP_TIMEOUT_MS,
      env: {
        DATABASE_URL: legacy.databaseUrl,
        NATS_URL: nats.url,
        LOG_LEVEL: 'warn',
        QUEUE_BRIDGE_ENABLED: 'false',
        SALES_REPORT_HTTP_ENABLED: 'true',
        IDENTITY_TOKEN_SECRET: E2E_IDENTITY_SECRET,
      },
    });
    gateway = await startGateway({
      natsUrl: nats.url,
      legacyUrl: legacy.url,
      databaseUrl: legacy.databaseUrl,
      routesFile: join(workspaceRoot(), 'apps/gateway/routes.yaml'),
      bucket: 'sales_e2e_routes',
      services: { pipelines: pipelines.url },
      timeoutMs: STARTUP_TIMEOUT_MS,
      env: {
        APP_KEY: legacy.appKey,
        SESSION_FILES: `${legacy.storagePath}/framework/sessions`,
      },
    });
    await waitUntil(async () => (await admin('GET', '/routes')).json?.loaded === true, { timeoutMs: 20_000, description: 'route table loaded' });
  }, 240_000);

  afterAll(async () => {
    await gateway?.stop('SIGTERM');
    await pipelines?.stop('SIGTERM');
    await legacy?.close();
    await sql?.destroy();
    await nats?.stop();
  });

  const admin = (method: string, path: string, body?: unknown) => gatewayAdmin(gateway, method, path, body);
  const promote = (to: string) => admin('POST', '/routes/promote', { method: 'GET', path: '/reports/sales.csv', to, by: 'e2e', reason: `sales e2e: ${to}` });
  const route = async () => (await admin('GET', `/routes?method=GET&path=${encodeURIComponent('/reports/sales.csv')}`)).json.routes[0];
  const through = async (path: string, cookie: string) => {
    const response = await fetch(`${gateway.url}${path}`, { redirect: 'manual', headers: { cookie }, signal: AbortSignal.timeout(30_000) });
    return {
      status: response.status,
      backend: response.headers.get('x-offramp-backend'),
      type: response.headers.get('content-type'),
      body: await response.text(),
    };
  };

  /** Random ranges over the seeded year and the edges: one day, to before from, unbounded, past the data. */
  function ranges(count: number): string[] {
    const random = seededRandom(12);
    const day = () => new Date(Date.UTC(2025, 0, 1) + random.int(0, 400) * 86_400_000).toISOString().slice(0, 10);
    const edges = ['', '?from=2025-05-05&to=2025-05-05', '?from=2025-07-02&to=2025-06-30', '?from=2025-03-01', '?to=2025-02-14', '?from=2031-01-01'];
    return [...edges, ...Array.from({ length: count - edges.length }, () => `?from=${day()}&to=${day()}`)];
  }

  it('goes legacy → shadow (≥ 99% match over many from/to) → service, still byte-equal', async () => {
    const cookie = await legacy.login('admin@example.test');
    const queries = ranges(120);
    expect((await promote('shadow')).status).toBe(200);
    // Browsers pipelines defers (a guest, bad dates): the monolith answers, and their copies are neither match nor mismatch.
    const html = { accept: 'text/html' };
    for (const [query, headers] of [
      ['', html],
      ['?from=2025-02-30', { ...html, cookie, referer: `${gateway.url}/account/orders` }],
    ] as const) {
      const answer = await fetch(`${gateway.url}/reports/sales.csv${query}`, { redirect: 'manual', headers, signal: AbortSignal.timeout(30_000) });
      await answer.arrayBuffer();
      expect([query, answer.status, answer.headers.get('x-offramp-backend')]).toEqual([query, 302, 'legacy']);
    }
    const monolith = new Map<string, string>();
    for (let i = 0; i < queries.length; i += 8) {
      const answers = await Promise.all(queries.slice(i, i + 8).map((query) => through(`/reports/sales.csv${query}`, cookie)));
      answers.forEach((answer, j) => {
        expect([answer.status, answer.backend]).toEqual([200, 'legacy']);
        monolith.set(queries[i + j] ?? '', answer.body);
      });
    }
    await waitUntil(async () => (await route()).shadowMatch?.samples >= queries.length, { timeoutMs: 60_000, intervalMs: 250, description: 'shadow samples' });
    const shadow = (await route()).shadowMatch;
    const diffs = shadow.rate < 0.99 ? (await admin('GET', `/diffs?method=GET&path=${encodeURIComponent('/reports/sales.csv')}&limit=5`)).json : [];
    // Exactly the admin's queries: the two deferred browsers' copies are no samples.
    expect({ samples: shadow.samples, rate: shadow.rate, diffs }).toEqual({ samples: queries.length, rate: 1, diffs: [] });

    const toService = await promote('service');
    expect({ status: toService.status, detail: toService.json?.detail }).toEqual({ status: 200, detail: undefined });
    for (const query of queries) {
      const served = await through(`/reports/sales.csv${query}`, cookie);
      expect([query, served.status, served.backend, served.type, served.body]).toEqual([
        query,
        200,
        'pipelines',
        'text/csv; charset=UTF-8',
        monolith.get(query),
      ]);
    }
  }, 240_000);

  /** A browser's request through the gateway: the jar's cookies sent, the answer's kept. */
  const browse = async (jar: CookieJar, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) => {
    const response = await fetch(`${gateway.url}${path}`, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', cookie: jar.header(), ...init.headers },
      body: init.body,
      signal: AbortSignal.timeout(30_000),
    });
    jar.keep(response);
    return {
      status: response.status,
      backend: response.headers.get('x-offramp-backend'),
      location: response.headers.get('location'),
      defer: response.headers.get(DEFER_HEADER),
      body: await response.text(),
    };
  };

  it('in service, a browser refused (a guest, bad dates) gets the monolith own answer, session and all; JSON callers still get pipelines', async () => {
    expect((await route()).state).toBe('service');
    const admin = await legacy.login('admin@example.test');
    const csv = async (query: string) => (await fetch(`${legacy.url}/reports/sales.csv${query}`, { headers: { cookie: admin } })).text();

    // JSON callers: pipelines answers the refusals as the monolith does, as before.
    const json = { accept: 'application/json' };
    for (const [query, cookie, status] of [
      ['', '', 401],
      ['?from=2025-02-30', admin, 422],
    ] as const) {
      const [monolith, served] = await Promise.all([
        fetch(`${legacy.url}/reports/sales.csv${query}`, { headers: { ...json, cookie } }),
        fetch(`${gateway.url}/reports/sales.csv${query}`, { headers: { ...json, cookie }, signal: AbortSignal.timeout(30_000) }),
      ]);
      expect([query, served.status, served.headers.get('x-offramp-backend'), await served.text()]).toEqual([query, status, 'pipelines', await monolith.text()]);
    }

    // A guest's browser: the monolith's redirect to the login page (the intended URL kept in its session) ...
    const jar = new CookieJar();
    const intended = '/reports/sales.csv?from=2025-03-01&to=2025-09-30';
    const guest = await browse(jar, intended);
    expect([guest.status, guest.backend, guest.location, guest.defer]).toEqual([302, 'legacy', `${gateway.url}/login`, null]);
    expect(jar.get('laravel_session')).toBeDefined();
    // ... logging in through the gateway with the login form lands on the report, served by pipelines.
    const form = await browse(jar, '/login');
    const token = /name="_token" value="([^"]+)"/.exec(form.body)?.[1];
    expect([form.status, form.backend, typeof token]).toEqual([200, 'legacy', 'string']);
    const login = await browse(jar, '/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _token: token ?? '', email: 'admin@example.test', password: 'password' }).toString(),
    });
    expect([login.status, login.backend, login.location]).toEqual([302, 'legacy', `${gateway.url}${intended}`]);
    const report = await browse(jar, intended);
    expect([report.status, report.backend, report.body]).toEqual([200, 'pipelines', await csv('?from=2025-03-01&to=2025-09-30')]);

    // Bad dates from the admin's browser: the monolith's redirect back, its flashed error on the next page, once.
    const referer = `${gateway.url}/account/orders`;
    const bad = await browse(jar, '/reports/sales.csv?from=2025-02-30', { headers: { referer } });
    expect([bad.status, bad.backend, bad.location, bad.defer]).toEqual([302, 'legacy', referer, null]);
    const error = '<ul class="error"><li>The from does not match the format Y-m-d.</li></ul>';
    const next = await browse(jar, '/account/orders');
    expect([next.status, next.body.includes(error)]).toEqual([200, true]);
    expect((await browse(jar, '/account/orders')).body.includes('class="error"')).toBe(false);
    // Without a Referer the monolith goes back to the previous URL in its session (the page just seen), which pipelines could not know.
    const noReferer = await browse(jar, '/reports/sales.csv?to=2025-1-05');
    expect([noReferer.status, noReferer.backend, noReferer.location]).toEqual([302, 'legacy', referer]);
    expect((await browse(jar, '/account/orders')).body).toContain('<li>The to does not match the format Y-m-d.</li>');

    // A customer's browser gets the monolith's 403 page.
    const customer = new CookieJar(await legacy.login('customer@example.test'));
    const refused = await browse(customer, '/reports/sales.csv');
    expect([refused.status, refused.backend, refused.body.includes('Admins only.')]).toEqual([403, 'legacy', true]);
  }, 120_000);
});
