import { join } from 'node:path';
import { createDataSourceOptions } from '@offramp/persistence';
import { signTimestamped } from '@offramp/platform';
import {
  startFakeCarrier,
  startLegacyApp,
  startNatsServer,
  startService,
  waitUntil,
  workspaceRoot,
  type FakeCarrier,
  type LegacyApp,
  type NatsServerHandle,
  type ServiceProcess,
} from '@offramp/testing';
import { DataSource } from 'typeorm';

/**
 * The slice's routes through the real gateway (apps/gateway/routes.yaml as the seed), in front of the
 * real Laravel monolith, a real nats-server and the fake carrier: the quote goes legacy → shadow
 * (220 requests, ≥ 99% match) → canary → service; the payment webhook, which has effects and is
 * never shadowed, goes to service and pays an order the monolith then shows as paid.
 */
const SECRET = 'whsec_gateway_e2e_0123456789';
const ADMIN_TOKEN = 'integrations-e2e-admin-token-0123';
const IDENTITY_SECRET = 'integrations-e2e-identity-secret-0123456789';

describe('integrations through the gateway (real Laravel, gateway, nats-server, fake carrier)', () => {
  let nats: NatsServerHandle;
  let carrier: FakeCarrier;
  let legacy: LegacyApp;
  let integrations: ServiceProcess;
  let gateway: ServiceProcess;
  let sql: DataSource;

  beforeAll(async () => {
    nats = await startNatsServer();
    carrier = await startFakeCarrier();
    const carrierEnv = { CARRIER_BASE_URL: carrier.url, CARRIER_TIMEOUT_MS: '500' };
    legacy = await startLegacyApp({ env: { APP_DEBUG: 'false', PAYMENT_WEBHOOK_SECRET: SECRET, ...carrierEnv } });
    sql = new DataSource(createDataSourceOptions({ url: legacy.databaseUrl, poolSize: 1 }));
    await sql.initialize();
    integrations = await startService({
      app: 'integrations',
      env: {
        DATABASE_URL: legacy.databaseUrl,
        NATS_URL: nats.url,
        LOG_LEVEL: 'warn',
        PAYMENT_WEBHOOK_SECRET: SECRET,
        IDENTITY_TOKEN_SECRET: IDENTITY_SECRET,
        ...carrierEnv,
      },
    });
    gateway = await startService({
      app: 'gateway',
      adminPortVariable: 'GATEWAY_ADMIN_PORT',
      env: {
        NATS_URL: nats.url,
        LEGACY_URL: legacy.url,
        DATABASE_URL: legacy.databaseUrl,
        GATEWAY_ROUTES_FILE: join(workspaceRoot(), 'apps/gateway/routes.yaml'),
        GATEWAY_ROUTES_BUCKET: 'integrations_e2e_routes',
        GATEWAY_SERVICES: `integrations=${integrations.url}`,
        GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN,
        IDENTITY_TOKEN_SECRET: IDENTITY_SECRET,
        APP_KEY: legacy.appKey,
        SESSION_FILES: `${legacy.storagePath}/framework/sessions`,
        LOG_LEVEL: 'warn',
      },
    });
    await waitUntil(async () => (await admin('GET', '/routes')).json?.loaded === true, { timeoutMs: 20_000, description: 'route table loaded' });
  }, 180_000);

  afterAll(async () => {
    await gateway?.stop('SIGTERM');
    await integrations?.stop('SIGTERM');
    await legacy?.close();
    await sql?.destroy();
    await carrier?.close();
    await nats?.stop();
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test picks fields out of the admin API's JSON
  async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
    const response = await fetch(`${gateway.adminUrl}/_offramp/admin${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  }
  const promote = (method: string, path: string, to: string, extra: Record<string, unknown> = {}) =>
    admin('POST', '/routes/promote', { method, path, to, by: 'e2e', reason: `integrations e2e: ${to}`, ...extra });
  const route = async (path: string) => (await admin('GET', `/routes?method=GET&path=${encodeURIComponent(path)}`)).json.routes[0];
  const through = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${gateway.url}${path}`, { redirect: 'manual', ...init, signal: AbortSignal.timeout(15_000) });
    return { status: response.status, backend: response.headers.get('x-offramp-backend'), body: await response.text() };
  };

  it('moves the quote from legacy through shadow (220 requests, ≥ 99% match) and canary to service', async () => {
    expect((await promote('GET', '/api/shipping/quote', 'shadow')).status).toBe(200);
    // Distinct keys (no cache answers), some of every error case among them; the gate wants 200
    // matching 2xx answers (routes.yaml: minSamples 200), so 220 requests with 18 errors.
    const queries = Array.from({ length: 220 }, (_, i) => {
      if (i % 40 === 0) return '?zip=99999&weight=10';
      if (i % 40 === 1) return '?zip=88888&weight=10';
      if (i % 40 === 2) return `?zip=x&weight=${i}`;
      return `?zip=${String(10_000 + i)}&weight=${100 + i * 7}`;
    });
    for (let i = 0; i < queries.length; i += 10) {
      const answers = await Promise.all(
        queries.slice(i, i + 10).map((query) => through(`/api/shipping/quote${query}`, { headers: { accept: 'application/json' } })),
      );
      for (const answer of answers) expect(answer.backend).toBe('legacy');
    }
    await waitUntil(async () => (await route('/api/shipping/quote')).shadowMatch?.samples >= 220, {
      timeoutMs: 30_000,
      intervalMs: 250,
      description: '220 shadow samples',
    });
    const shadow = (await route('/api/shipping/quote')).shadowMatch;
    expect(shadow.samples).toBe(220);
    expect(shadow.rate).toBeGreaterThanOrEqual(0.99);

    // Anonymous callers are keyed by address (all 127.0.0.1 here): 100% sends them to the slice.
    const toCanary = await promote('GET', '/api/shipping/quote', 'canary', { canaryPercent: 100 });
    expect({ status: toCanary.status, detail: toCanary.json?.detail }).toEqual({ status: 200, detail: undefined });
    const canary = await Promise.all(Array.from({ length: 20 }, (_, i) => through(`/api/shipping/quote?zip=2${String(1000 + i)}&weight=500`)));
    expect(canary.map((answer) => `${answer.status} ${answer.backend}`)).toEqual(Array.from({ length: 20 }, () => '200 integrations'));

    expect((await promote('GET', '/api/shipping/quote', 'service')).status).toBe(200);
    const served = await through('/api/shipping/quote?zip=10115&weight=1200', { headers: { accept: 'application/json' } });
    expect(served).toEqual({
      status: 200,
      backend: 'integrations',
      body: '{"zip":"10115","weight_grams":1200,"currency":"USD","rates":[{"service":"ground","amount_cents":699,"days":5},{"service":"express","amount_cents":1399,"days":1}]}',
    });
  }, 120_000);

  it('pays an order with a signed webhook the slice handles (route in service), shown paid on the monolith account page', async () => {
    // A webhook has effects: it skips the shadow (forced, with the replay test as the evidence).
    expect((await promote('POST', '/webhooks/payments', 'shadow')).status).toBe(200);
    expect((await promote('POST', '/webhooks/payments', 'canary', { force: true, canaryPercent: 0 })).status).toBe(200);
    expect((await promote('POST', '/webhooks/payments', 'service')).status).toBe(200);

    await sql.query(
      "INSERT INTO orders (user_id, status, total_cents, currency, created_at, updated_at) VALUES (2, 'pending', 4321, 'USD', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
    );
    const [{ id }] = await sql.query('SELECT MAX(id) AS id FROM orders');
    const body = JSON.stringify({ id: 'evt_gateway_e2e', type: 'payment.succeeded', data: { order_id: Number(id), amount_cents: 4321 } });
    const headers = { 'content-type': 'application/json', 'payment-signature': signTimestamped(SECRET, body, Math.floor(Date.now() / 1000)) };
    const paid = await through('/webhooks/payments', { method: 'POST', headers, body });
    expect(paid).toEqual({ status: 200, backend: 'integrations', body: `{"status":"processed","order_id":${id}}` });
    expect(await through('/webhooks/payments', { method: 'POST', headers, body })).toEqual({
      status: 200,
      backend: 'integrations',
      body: '{"status":"duplicate"}',
    });

    const cookie = await legacy.login('customer@example.test');
    const account = await fetch(`${legacy.url}/account/orders`, { headers: { cookie } });
    expect(await account.text()).toMatch(new RegExp(`id="order-${id}" data-status="paid"`));
  }, 60_000);
});
