import { join } from 'node:path';
import { createDataSourceOptions } from '@offramp/persistence';
import { signTimestamped } from '@offramp/platform';
import {
  startFakeCarrier,
  startLegacyApp,
  startNatsServer,
  startPartnerEndpoint,
  startService,
  waitUntil,
  workspaceRoot,
  type FakeCarrier,
  type LegacyApp,
  type NatsServerHandle,
  type PartnerEndpoint,
  type ServiceProcess,
  E2E_IDENTITY_SECRET,
  gatewayAdmin,
  startGateway,
} from '@offramp/testing';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';

/** Services start slowly on a machine shared with other work: generous, never a timing assertion. */
const STARTUP_TIMEOUT_MS = 60_000;

/**
 * The slice's routes through the real gateway (apps/gateway/routes.yaml as the seed), in front of the
 * real Laravel monolith, a real nats-server and the fake carrier: the quote goes legacy → shadow
 * (220 requests, ≥ 99% match) → canary → service; the payment webhook, which has effects and is
 * never shadowed, goes to service and pays an order the monolith then shows as paid; its event,
 * relayed by apps/pipelines, reaches a partner's loopback receiver as one signed delivery, also
 * when the partner was down for a while (then late, with the attempts listed).
 */
const SECRET = 'whsec_gateway_e2e_0123456789';
const INTEGRATIONS_TOKEN = 'integrations-e2e-partner-admin-0123';

describe('integrations through the gateway (real Laravel, gateway, nats-server, fake carrier)', () => {
  let nats: NatsServerHandle;
  let carrier: FakeCarrier;
  let legacy: LegacyApp;
  let integrations: ServiceProcess;
  let gateway: ServiceProcess;
  let pipelines: ServiceProcess;
  let partner: PartnerEndpoint;
  let partnerDown = false;
  let sql: DataSource;

  beforeAll(async () => {
    nats = await startNatsServer();
    carrier = await startFakeCarrier();
    // Generous: the machine is shared, and a timeout on one side only would count as a mismatch.
    const carrierEnv = { CARRIER_BASE_URL: carrier.url, CARRIER_TIMEOUT_MS: '3000' };
    legacy = await startLegacyApp({ env: { APP_DEBUG: 'false', PAYMENT_WEBHOOK_SECRET: SECRET, ...carrierEnv } });
    sql = new DataSource(createDataSourceOptions({ url: legacy.databaseUrl, poolSize: 1 }));
    await sql.initialize();
    integrations = await startService({
      app: 'integrations',
      timeoutMs: STARTUP_TIMEOUT_MS,
      env: {
        DATABASE_URL: legacy.databaseUrl,
        NATS_URL: nats.url,
        LOG_LEVEL: 'warn',
        PAYMENT_WEBHOOK_SECRET: SECRET,
        IDENTITY_TOKEN_SECRET: E2E_IDENTITY_SECRET,
        INTEGRATIONS_ADMIN_TOKEN: INTEGRATIONS_TOKEN,
        PARTNER_ALLOWED_CIDRS: '127.0.0.0/8',
        PARTNER_RETRY_TIME_SCALE: '0.0002',
        PARTNER_POLL_MS: '20',
        ...carrierEnv,
      },
    });
    // The outbox relay: the monolith's and the slice's outbox rows onto JetStream.
    pipelines = await startService({
      app: 'pipelines',
      timeoutMs: STARTUP_TIMEOUT_MS,
      env: { DATABASE_URL: legacy.databaseUrl, NATS_URL: nats.url, LOG_LEVEL: 'warn', QUEUE_BRIDGE_ENABLED: 'false' },
    });
    partner = await startPartnerEndpoint(() => (partnerDown ? 503 : 200));
    gateway = await startGateway({
      natsUrl: nats.url,
      legacyUrl: legacy.url,
      databaseUrl: legacy.databaseUrl,
      routesFile: join(workspaceRoot(), 'apps/gateway/routes.yaml'),
      bucket: 'integrations_e2e_routes',
      services: { integrations: integrations.url },
      timeoutMs: STARTUP_TIMEOUT_MS,
      env: {
        APP_KEY: legacy.appKey,
        SESSION_FILES: `${legacy.storagePath}/framework/sessions`,
      },
    });
    await waitUntil(async () => (await admin('GET', '/routes')).json?.loaded === true, { timeoutMs: 20_000, description: 'route table loaded' });
  }, 180_000);

  afterAll(async () => {
    await gateway?.stop('SIGTERM');
    await pipelines?.stop('SIGTERM');
    await integrations?.stop('SIGTERM');
    await partner?.close();
    await legacy?.close();
    await sql?.destroy();
    await carrier?.close();
    await nats?.stop();
  });

  const admin = (method: string, path: string, body?: unknown) => gatewayAdmin(gateway, method, path, body);
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
    const diffs = shadow.rate < 0.99 ? (await admin('GET', `/diffs?method=GET&path=${encodeURIComponent('/api/shipping/quote')}&limit=10`)).json : [];
    expect({ rate: shadow.rate >= 0.99, diffs }).toEqual({ rate: true, diffs: [] });

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

  const partnerAdmin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${integrations.url}/_offramp/integrations${path}`, {
      method,
      headers: { authorization: `Bearer ${INTEGRATIONS_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test picks fields out of the admin API's JSON
    return { status: response.status, json: (await response.json()) as any };
  };
  /** An order placed through the gateway (its route still legacy: the monolith places it), as the customer's browser does. */
  const placeOrder = async (cookie: string) => {
    await sql.query("UPDATE products SET stock = 100, currency = 'USD' WHERE id = 3");
    const xsrf = decodeURIComponent(/(?:^|; )XSRF-TOKEN=([^;]+)/.exec(cookie)?.[1] ?? '');
    const placed = await through('/api/orders', {
      method: 'POST',
      headers: { cookie, 'x-xsrf-token': xsrf, accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ items: [{ product_id: 3, quantity: 2 }] }),
    });
    expect({ status: placed.status, backend: placed.backend }).toEqual({ status: 201, backend: 'legacy' });
    return JSON.parse(placed.body) as { id: number; total_cents: number };
  };
  const pay = (order: { id: number; total_cents: number }, eventId: string) => {
    const body = JSON.stringify({ id: eventId, type: 'payment.succeeded', data: { order_id: order.id, amount_cents: order.total_cents } });
    const headers = { 'content-type': 'application/json', 'payment-signature': signTimestamped(SECRET, body, Math.floor(Date.now() / 1000)) };
    return through('/webhooks/payments', { method: 'POST', headers, body });
  };
  const paidDeliveries = (orderId: number) =>
    partner.received.filter((got) => {
      const event = JSON.parse(got.body) as { type: string; data: { order_id: number } };
      return event.type === 'shop.orders.paid.v1' && event.data.order_id === orderId;
    });

  it('order placed → paid by a signed webhook the slice handles (route in service) → paid on the account page → one signed delivery to the partner', async () => {
    const registered = await partnerAdmin('POST', '/partners', { name: 'acme', url: partner.url, eventTypes: ['shop.orders.paid.v1'] });
    expect(registered.status).toBe(201);
    // A webhook has effects: it skips the shadow (forced, with the replay test as the evidence).
    expect((await promote('POST', '/webhooks/payments', 'shadow')).status).toBe(200);
    expect((await promote('POST', '/webhooks/payments', 'canary', { force: true, canaryPercent: 0 })).status).toBe(200);
    expect((await promote('POST', '/webhooks/payments', 'service')).status).toBe(200);

    const cookie = await legacy.login('customer@example.test');
    const order = await placeOrder(cookie);
    expect(await pay(order, 'evt_gateway_e2e')).toEqual({ status: 200, backend: 'integrations', body: `{"status":"processed","order_id":${order.id}}` });
    expect(await pay(order, 'evt_gateway_e2e')).toEqual({ status: 200, backend: 'integrations', body: '{"status":"duplicate"}' });

    const account = await fetch(`${legacy.url}/account/orders`, { headers: { cookie } });
    expect(await account.text()).toMatch(new RegExp(`id="order-${order.id}" data-status="paid"`));

    await waitUntil(() => paidDeliveries(order.id).length > 0, { timeoutMs: 20_000, description: 'the partner gets the paid order' });
    await new Promise((resolve) => setTimeout(resolve, 300)); // a second delivery would arrive by now
    const [delivery] = paidDeliveries(order.id);
    expect(paidDeliveries(order.id)).toHaveLength(1);
    const verified = new Webhook(registered.json.secret).verify(delivery.body, delivery.headers as Record<string, string>) as { data: Record<string, unknown> };
    expect(verified.data).toMatchObject({ order_id: order.id, status: 'paid', amount_cents: order.total_cents, payment_event_id: 'evt_gateway_e2e' });
  }, 60_000);

  it('the same with the partner down for a while, then back: delivered once, late, with the attempts listed', async () => {
    partnerDown = true;
    const cookie = await legacy.login('customer@example.test');
    const order = await placeOrder(cookie);
    expect((await pay(order, 'evt_gateway_e2e_late')).status).toBe(200);
    await waitUntil(() => paidDeliveries(order.id).length >= 3, { timeoutMs: 20_000, description: 'three refused attempts' });
    partnerDown = false;
    const [{ id: partnerId }] = (await partnerAdmin('GET', '/partners')).json.partners;
    await waitUntil(
      async () =>
        (await partnerAdmin('GET', `/partners/${partnerId}/deliveries?status=delivered`)).json.deliveries.some(
          (d: { eventId: string; attemptLog: unknown[] }) => d.attemptLog.length > 1,
        ),
      { timeoutMs: 20_000, description: 'the late delivery' },
    );
    const late = (await partnerAdmin('GET', `/partners/${partnerId}/deliveries?status=delivered`)).json.deliveries.find(
      (d: { attemptLog: unknown[] }) => d.attemptLog.length > 1,
    );
    const codes = late.attemptLog.map((a: { statusCode: number }) => a.statusCode);
    expect(codes.at(-1)).toBe(200);
    expect(codes.slice(0, -1).every((code: number) => code === 503)).toBe(true);
    expect(paidDeliveries(order.id).filter((_, i, all) => i === all.length - 1)).toHaveLength(1);
    expect(paidDeliveries(order.id)).toHaveLength(codes.length); // every attempt reached it, one of them accepted
  }, 60_000);
});
