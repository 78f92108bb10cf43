import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  SPAN_KIND,
  startLegacyApp,
  startNatsServer,
  startOtlpReceiver,
  startPartnerEndpoint,
  startService,
  tempDir,
  waitUntil,
  type LegacyApp,
  type NatsServerHandle,
  type OtlpReceiver,
  type PartnerEndpoint,
  type ReceivedSpan,
  type ServiceProcess,
  type TempDir,
  E2E_IDENTITY_SECRET,
  gatewayAdmin,
  startGateway,
} from '@offramp/testing';

/** Services start slowly on a machine shared with other work: generous, never a timing assertion. */
const STARTUP_TIMEOUT_MS = 60_000;
const INTEGRATIONS_TOKEN = 'tracing-e2e-partner-admin-0123';
// The order route served by the api slice; the rest of the site stays with the monolith.
const ROUTES = `
routes:
  - { method: POST, path: /api/orders, state: service, service: api, fallback: false, auth: true }
  - { method: GET|HEAD, path: '/api/products/{id}', state: shadow, service: api }
`;

/**
 * One order placed through the real gateway is one trace across the four services, collected by a
 * loopback OTLP/HTTP receiver: gateway server span → api server span (the slice answers the route)
 * → the outbox row's context → pipelines' relay publish → integrations' consumer span (which then
 * delivers to a loopback partner). The Laravel app holds the session and the schema; a second
 * order placed by the monolith itself (route left to it) joins the gateway's trace through the
 * traceparent the PHP recorder wrote into its outbox row.
 */
describe('one trace per request across gateway, api, pipelines and integrations (OTLP)', () => {
  let nats: NatsServerHandle;
  let legacy: LegacyApp;
  let receiver: OtlpReceiver;
  let partner: PartnerEndpoint;
  let routesDir: TempDir;
  let api: ServiceProcess;
  let integrations: ServiceProcess;
  let pipelines: ServiceProcess;
  let gateway: ServiceProcess;

  beforeAll(async () => {
    nats = await startNatsServer();
    receiver = await startOtlpReceiver();
    partner = await startPartnerEndpoint();
    legacy = await startLegacyApp({ env: { APP_DEBUG: 'false' } });
    routesDir = tempDir('offramp-tracing-routes-');
    const routesFile = join(routesDir.path, 'routes.yaml');
    writeFileSync(routesFile, ROUTES);
    const otel = (service: string) => ({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: service });
    const shared = { DATABASE_URL: legacy.databaseUrl, NATS_URL: nats.url, LOG_LEVEL: 'warn', IDENTITY_TOKEN_SECRET: E2E_IDENTITY_SECRET };
    [api, integrations, pipelines] = await Promise.all([
      startService({ app: 'api', timeoutMs: STARTUP_TIMEOUT_MS, env: { ...shared, ...otel('api') } }),
      startService({
        app: 'integrations',
        timeoutMs: STARTUP_TIMEOUT_MS,
        env: {
          ...shared,
          ...otel('integrations'),
          INTEGRATIONS_ADMIN_TOKEN: INTEGRATIONS_TOKEN,
          PAYMENT_WEBHOOK_SECRET: 'whsec_tracing_e2e_0123456789',
          PARTNER_ALLOWED_CIDRS: '127.0.0.0/8',
          PARTNER_POLL_MS: '20',
        },
      }),
      startService({ app: 'pipelines', timeoutMs: STARTUP_TIMEOUT_MS, env: { ...shared, ...otel('pipelines'), QUEUE_BRIDGE_ENABLED: 'false' } }),
    ]);
    gateway = await startGateway({
      natsUrl: nats.url,
      legacyUrl: legacy.url,
      databaseUrl: legacy.databaseUrl,
      routesFile,
      bucket: 'tracing_e2e_routes',
      services: { api: api.url, integrations: integrations.url },
      timeoutMs: STARTUP_TIMEOUT_MS,
      env: { ...otel('gateway'), APP_KEY: legacy.appKey, SESSION_FILES: `${legacy.storagePath}/framework/sessions` },
    });
    await waitUntil(async () => (await admin('GET', '/routes')).json?.loaded === true, { timeoutMs: 20_000, description: 'route table loaded' });
    const registered = await fetch(`${integrations.url}/_offramp/integrations/partners`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INTEGRATIONS_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'acme', url: partner.url, eventTypes: ['shop.orders.placed.v1'] }),
    });
    expect(registered.status).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await gateway?.stop('SIGTERM');
    await Promise.all([api?.stop('SIGTERM'), integrations?.stop('SIGTERM'), pipelines?.stop('SIGTERM')]);
    await legacy?.close();
    await partner?.close();
    await receiver?.close();
    await nats?.stop();
    routesDir?.remove();
  });

  const admin = (method: string, path: string, body?: unknown) => gatewayAdmin(gateway, method, path, body);
  /** The caller (a browser with its own tracing) starts the trace, so each order's trace is known. */
  const placeOrder = async (cookie: string) => {
    const caller = { traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') };
    const xsrf = decodeURIComponent(/(?:^|; )XSRF-TOKEN=([^;]+)/.exec(cookie)?.[1] ?? '');
    const response = await fetch(`${gateway.url}/api/orders`, {
      method: 'POST',
      headers: {
        cookie,
        'x-xsrf-token': xsrf,
        accept: 'application/json',
        'content-type': 'application/json',
        traceparent: `00-${caller.traceId}-${caller.spanId}-01`,
      },
      body: JSON.stringify({ items: [{ product_id: 3, quantity: 1 }] }),
      signal: AbortSignal.timeout(15_000),
    });
    return { caller, status: response.status, backend: response.headers.get('x-offramp-backend'), order: (await response.json()) as { id: number } };
  };
  const delivered = (orderId: number) => partner.received.some(({ body }) => (JSON.parse(body) as { data: { order_id: number } }).data.order_id === orderId);
  const traceOf = (spans: readonly ReceivedSpan[], traceId: string) => spans.filter((span) => span.traceId === traceId);
  const childOf = (spans: readonly ReceivedSpan[], parent: ReceivedSpan | undefined, service: string, kind: number) =>
    spans.find((span) => span.parentSpanId === parent?.spanId && span.service === service && span.kind === kind);

  it('an order the api slice places: gateway → api → relay publish → integrations consumer, one trace', async () => {
    const cookie = await legacy.login('customer@example.test');
    const placed = await placeOrder(cookie);
    expect({ status: placed.status, backend: placed.backend }).toEqual({ status: 201, backend: 'api' });
    await waitUntil(() => delivered(placed.order.id), { timeoutMs: 30_000, description: 'the partner gets the placed order' });

    // Spans leave each service in batches (every 5 s): wait for the whole chain.
    const chain = () => {
      const trace = traceOf(receiver.spans, placed.caller.traceId);
      const root = trace.find((span) => span.service === 'gateway' && span.kind === SPAN_KIND.server);
      const apiServer = childOf(trace, root, 'api', SPAN_KIND.server);
      const publish = trace.find((span) => span.service === 'pipelines' && span.kind === SPAN_KIND.producer && span.name === 'publish shop.orders.placed.v1');
      const consumer = childOf(trace, publish, 'integrations', SPAN_KIND.consumer);
      return root && apiServer && publish && consumer ? { root, trace, apiServer, publish, consumer } : undefined;
    };
    const { root, trace, apiServer, publish, consumer } = await waitUntil(chain, {
      timeoutMs: 60_000,
      description: 'the order’s spans from the four services',
    });

    expect(root).toMatchObject({ name: 'gateway POST /api/orders', parentSpanId: placed.caller.spanId, attributes: { 'http.response.status_code': 201 } });
    expect(apiServer).toMatchObject({ name: 'POST /api/orders', attributes: { 'http.response.status_code': 201 } });
    // The relay's publish continues the api request's context, stored with the outbox row.
    expect(publish.parentSpanId).toBe(apiServer.spanId);
    expect(consumer).toMatchObject({ name: 'process shop.orders.placed.v1', attributes: { 'messaging.destination.name': 'shop.orders.placed.v1' } });
    expect(new Set(trace.map((span) => span.service))).toEqual(new Set(['gateway', 'api', 'pipelines', 'integrations']));
    // One tree under the caller's span: every other span has its parent in the same trace.
    const ids = new Set(trace.map((span) => span.spanId));
    expect(trace.filter((span) => span !== root && !ids.has(span.parentSpanId))).toEqual([]);
  }, 120_000);

  it('a shadowed request: the monolith answers, and the copy the api slice gets continues the gateway’s span', async () => {
    const caller = { traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') };
    const response = await fetch(`${gateway.url}/api/products/1`, {
      headers: { accept: 'application/json', traceparent: `00-${caller.traceId}-${caller.spanId}-01` },
      signal: AbortSignal.timeout(15_000),
    });
    expect({ status: response.status, backend: response.headers.get('x-offramp-backend') }).toEqual({ status: 200, backend: 'legacy' });
    const { root, copy } = await waitUntil(
      () => {
        const trace = traceOf(receiver.spans, caller.traceId);
        const root = trace.find((span) => span.service === 'gateway' && span.kind === SPAN_KIND.server);
        const copy = childOf(trace, root, 'api', SPAN_KIND.server);
        return root && copy ? { root, copy } : undefined;
      },
      { timeoutMs: 60_000, description: 'the gateway’s span and the shadow copy’s span at the api' },
    );
    expect(root).toMatchObject({ name: 'gateway GET|HEAD /api/products/:id', parentSpanId: caller.spanId });
    expect(copy).toMatchObject({ name: 'GET /api/products/:id', attributes: { 'http.response.status_code': 200 } });
  }, 120_000);

  it('an order the monolith places (route not migrated): its outbox row carries the gateway’s traceparent into the same trace', async () => {
    const rollback = await admin('POST', '/routes/rollback', { all: true, reason: 'tracing e2e: the monolith places orders', by: 'e2e' });
    expect(rollback.status).toBe(200);
    await waitUntil(async () => (await admin('GET', `/routes?method=POST&path=${encodeURIComponent('/api/orders')}`)).json.routes[0]?.state === 'legacy', {
      timeoutMs: 10_000,
      description: 'the order route back with the monolith',
    });
    const cookie = await legacy.login('customer@example.test');
    const placed = await placeOrder(cookie);
    expect({ status: placed.status, backend: placed.backend }).toEqual({ status: 201, backend: 'legacy' });
    await waitUntil(() => delivered(placed.order.id), { timeoutMs: 30_000, description: 'the partner gets the placed order' });
    const chain = () => {
      const trace = traceOf(receiver.spans, placed.caller.traceId);
      const root = trace.find((span) => span.service === 'gateway' && span.kind === SPAN_KIND.server);
      const publish = childOf(trace, root, 'pipelines', SPAN_KIND.producer);
      const consumer = childOf(trace, publish, 'integrations', SPAN_KIND.consumer);
      return root && publish && consumer ? { trace, publish } : undefined;
    };
    const { trace, publish } = await waitUntil(chain, { timeoutMs: 60_000, description: 'the order’s spans from gateway, pipelines and integrations' });
    expect(publish.name).toBe('publish shop.orders.placed.v1');
    expect(new Set(trace.map((span) => span.service))).toEqual(new Set(['gateway', 'pipelines', 'integrations']));
  }, 120_000);
});
