import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CookieJar,
  E2E_IDENTITY_SECRET,
  gatewayAdmin,
  startGateway,
  startNatsServer,
  startService,
  startSymfonyApp,
  symfonyLogin,
  throughGateway,
  waitUntil,
  workspaceRoot,
  writeRoutesFile,
  type NatsServerHandle,
  type ServiceProcess,
  type SymfonyApp,
} from '@offramp/testing';

// Issue 13, point 3, end to end: the real Symfony monolith (php -S, native session files), the real
// gateway reading its login (LEGACY_FRAMEWORK=symfony) and a real slice behind it (pipelines'
// GET /reports/sales.csv, which decides by the user id in the gateway's token: admins only, read
// from the monolith's users table), with a real nats-server.
const ROUTES = `
routes:
  - { method: GET|HEAD, path: /reports/sales.csv, state: service, service: pipelines, csrf: false }
  - { method: GET|POST, path: /login, state: legacy }
  - { method: GET, path: /logout, state: legacy }
`;
const JSON_ACCEPT = { accept: 'application/json' };

describe('a Symfony login through the gateway, seen by a slice (real Symfony, gateway, pipelines, nats-server)', () => {
  let nats: NatsServerHandle;
  let app: SymfonyApp;
  let pipelines: ServiceProcess;
  let sessionGateway: ServiceProcess;
  /** SESSION_DRIVER=none, as for a custom authenticator: the identity comes from the monolith's /_offramp/whoami. */
  let whoamiGateway: ServiceProcess;
  let routes: { path: string; remove(): void };

  beforeAll(async () => {
    nats = await startNatsServer();
    app = await startSymfonyApp({ env: { SESSION_LIFETIME_SECONDS: '7200' } });
    // The slice's own tables on the monolith's database, as its migrate Job makes them.
    await promisify(execFile)(process.execPath, [join(workspaceRoot(), 'apps/pipelines/dist/migrate.js')], {
      env: { ...process.env, DATABASE_URL: app.databaseUrl, LOG_LEVEL: 'warn' },
      timeout: 60_000,
    });
    routes = writeRoutesFile(ROUTES);
    pipelines = await startService({
      app: 'pipelines',
      timeoutMs: 60_000,
      env: {
        DATABASE_URL: app.databaseUrl,
        NATS_URL: nats.url,
        LOG_LEVEL: 'warn',
        QUEUE_BRIDGE_ENABLED: 'false',
        OUTBOX_RELAY_ENABLED: 'false',
        SALES_REPORT_HTTP_ENABLED: 'true',
        IDENTITY_TOKEN_SECRET: E2E_IDENTITY_SECRET,
      },
    });
    const gateway = (bucket: string, env: Record<string, string>) =>
      startGateway({
        natsUrl: nats.url,
        legacyUrl: app.url,
        databaseUrl: app.databaseUrl,
        routesFile: routes.path,
        bucket,
        services: { pipelines: pipelines.url },
        timeoutMs: 60_000,
        env: {
          LEGACY_FRAMEWORK: 'symfony',
          SYMFONY_SESSION_FILES: app.sessionPath,
          SYMFONY_SESSION_LIFETIME_S: '7200',
          SYMFONY_USER_CLASSES: 'App\\Security\\User',
          // Long on purpose: only the logout passing through may end a cached identity this soon.
          SESSION_CACHE_MS: '60000',
          WHOAMI_CACHE_MS: '60000',
          ...env,
        },
      });
    [sessionGateway, whoamiGateway] = await Promise.all([
      gateway('symfony_session_routes', { SESSION_DRIVER: 'file' }),
      gateway('symfony_whoami_routes', { SESSION_DRIVER: 'none' }),
    ]);
    for (const each of [sessionGateway, whoamiGateway]) {
      await waitUntil(async () => (await gatewayAdmin(each, 'GET', '/routes')).json?.loaded === true, { timeoutMs: 20_000, description: 'route table loaded' });
    }
  }, 240_000);

  afterAll(async () => {
    await Promise.allSettled([sessionGateway?.stop('SIGTERM'), whoamiGateway?.stop('SIGTERM'), pipelines?.stop('SIGTERM')]);
    await app?.close();
    await nats?.stop();
    routes?.remove();
  });

  describe.each([
    ['the session files', () => sessionGateway],
    ['whoami (SESSION_DRIVER=none)', () => whoamiGateway],
  ])('identity from %s', (_, current) => {
    let gateway: ServiceProcess;
    beforeAll(() => {
      gateway = current();
    });

    const report = (cookies?: string) =>
      throughGateway(gateway, '/reports/sales.csv', { headers: { ...JSON_ACCEPT, ...(cookies ? { cookie: cookies } : {}) } });

    it('nobody without a login: the slice answers 401', async () => {
      expect(await report()).toMatchObject({ status: 401, backend: 'pipelines' });
    });

    it('a form login through the gateway gives the slice the Symfony user: a customer is refused, an admin served', async () => {
      const customer = await symfonyLogin(gateway.url, 'customer@example.test');
      expect(new CookieJar(customer).get('PHPSESSID')).toMatch(/^[a-z0-9]{26}$/);
      const refused = await report(customer);
      expect(refused).toMatchObject({ status: 403, backend: 'pipelines' });
      expect(JSON.parse(refused.body)).toEqual({ message: 'Admins only.' });

      const admin = await symfonyLogin(gateway.url, 'admin@example.test');
      const served = await report(admin);
      expect(served).toMatchObject({ status: 200, backend: 'pipelines' });
      expect(served.headers.get('content-type')).toBe('text/csv; charset=UTF-8');
    });

    it('after logout through the gateway the old cookie is nobody at once, despite a minute of cache', async () => {
      const admin = await symfonyLogin(gateway.url, 'admin@example.test');
      expect((await report(admin)).status).toBe(200); // read once: now cached for SESSION_CACHE_MS
      const logout = await throughGateway(gateway, '/logout', { headers: { cookie: admin } });
      expect(logout).toMatchObject({ status: 302, backend: 'legacy' });
      expect(await report(admin)).toMatchObject({ status: 401, backend: 'pipelines' });
    });

    it('a forged session cookie is nobody, and the gateway reads no file outside the save path', async () => {
      for (const forged of ['../../../../etc/passwd', '..%2F..%2Fetc%2Fpasswd', 'x'.repeat(300)]) {
        expect(await report(`PHPSESSID=${forged}`)).toMatchObject({ status: 401, backend: 'pipelines' });
      }
    });
  });
});
