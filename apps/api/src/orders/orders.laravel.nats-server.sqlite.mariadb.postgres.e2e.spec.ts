import { jetstream } from '@nats-io/jetstream';
import { createApiClient, getOrder, placeOrder, type PlaceOrderRequest } from '@offramp/contracts/sdk';
import { NatsConnectionManager } from '@offramp/messaging';
import { createDataSourceOptions } from '@offramp/persistence';
import { IdentityTokenSigner, identityKeysFromConfig } from '@offramp/platform';
import {
  scratchDatabase,
  startLegacyApp,
  startNatsServer,
  startService,
  waitUntil,
  type LegacyApp,
  type NatsServerHandle,
  type ScratchDatabase,
  type ServiceProcess,
} from '@offramp/testing';
import { DataSource } from 'typeorm';

/**
 * Orders through the api against the real monolith on the same database, on SQLite, MariaDB and
 * PostgreSQL: the order is the monolith's order (its JSON, its account page), its event reaches
 * NATS exactly once through the outbox and the relay in apps/pipelines, and 50 concurrent orders
 * for the last 10 items (from the api and the monolith at once) never oversell.
 */
const SECRET = 'orders-e2e-secret-0123456789abcdef012345';

/** The Cookie header plus the X-XSRF-TOKEN a browser sends with a POST to the monolith. */
function csrfHeaders(cookie: string): Record<string, string> {
  const xsrf = /(?:^|; )XSRF-TOKEN=([^;]+)/.exec(cookie)?.[1] ?? '';
  return { cookie, 'x-xsrf-token': decodeURIComponent(xsrf), accept: 'application/json', 'content-type': 'application/json' };
}

describe.each(['sqlite', 'mariadb', 'postgres'] as const)('orders through the api, with the monolith on %s (real Laravel, nats-server, relay)', (kind) => {
  let database: ScratchDatabase;
  let nats: NatsServerHandle;
  let legacy: LegacyApp;
  let api: ServiceProcess;
  let pipelines: ServiceProcess;
  let sql: DataSource;
  let customerCookie: string;
  const signer = new IdentityTokenSigner(
    identityKeysFromConfig({ IDENTITY_TOKEN_ALG: 'HS256', IDENTITY_TOKEN_SECRET: SECRET, IDENTITY_TOKEN_TTL_S: 300 }, 'sign'),
  );
  // As the gateway signs for the api slice once it made the monolith's CSRF check.
  const tokenFor = (userId: number) => signer.sign({ userId: String(userId), roles: [], source: 'laravel-session' }, { audience: 'api', csrfVerified: true });

  // Through the generated SDK, as a frontend would. The client's fetch keeps each raw body: the
  // test compares bytes, and the SDK hands errors over parsed.
  const sdkClient = () => {
    const raw = { body: '' };
    const client = createApiClient({
      baseUrl: api.url,
      fetch: async (request) => {
        const response = await fetch(request);
        raw.body = await response.clone().text();
        return response;
      },
    });
    return { client, raw };
  };
  const apiPost = async (userId: number | undefined, body: unknown) => {
    const identity = userId === undefined ? '' : await tokenFor(userId);
    const headers = identity ? { 'x-offramp-identity': identity } : ({} as { 'x-offramp-identity': string });
    const { client, raw } = sdkClient();
    const result = await placeOrder({ client, body: body as PlaceOrderRequest, headers });
    if (result.response?.status === 201) expect(result.data?.id).toBeGreaterThan(0);
    return { status: result.response?.status, location: result.response?.headers.get('location'), body: raw.body };
  };
  const apiGet = async (userId: number, path: string) => {
    const { client, raw } = sdkClient();
    const result = await getOrder({ client, path: { id: Number(path.split('/').pop()) }, headers: { 'x-offramp-identity': await tokenFor(userId) } });
    return { status: result.response?.status, body: raw.body };
  };
  const legacyPost = async (cookie: string, body: unknown) => {
    const response = await fetch(`${legacy.url}/api/orders`, { method: 'POST', headers: csrfHeaders(cookie), body: JSON.stringify(body) });
    return { status: response.status, body: await response.text() };
  };
  const legacyGet = async (cookie: string, path: string) => {
    const response = await fetch(`${legacy.url}${path}`, { headers: { cookie } });
    return { status: response.status, body: await response.text() };
  };
  /** A product with at least `stock` items, set to exactly `stock`. */
  const productWithStock = async (id: number, stock: number) => {
    await sql.query(`UPDATE products SET stock = ${stock}, currency = 'USD' WHERE id = ${id}`);
    return id;
  };

  beforeAll(async () => {
    database = await scratchDatabase(kind, 'offramp_api');
    nats = await startNatsServer();
    legacy = await startLegacyApp({ databaseUrl: database.url, env: { APP_DEBUG: 'false' } });
    sql = new DataSource(createDataSourceOptions({ url: database.url, poolSize: 2 }));
    await sql.initialize();
    const env = { DATABASE_URL: database.url, NATS_URL: nats.url, LOG_LEVEL: 'warn' };
    api = await startService({ app: 'api', env: { ...env, IDENTITY_TOKEN_SECRET: SECRET, API_RATE_LIMIT: '1000' } });
    pipelines = await startService({ app: 'pipelines', env });
    customerCookie = await legacy.login('customer@example.test');
  }, 180_000);

  afterAll(async () => {
    await pipelines?.stop('SIGTERM');
    await api?.stop('SIGTERM');
    await legacy?.close();
    await sql?.destroy();
    await nats?.stop();
    await database?.drop();
  });

  it('places an order that the monolith shows as its own, and its event reaches NATS exactly once', async () => {
    const [a, b] = [await productWithStock(3, 7), await productWithStock(5, 4)];
    const placed = await apiPost(2, {
      items: [
        { product_id: a, quantity: 2 },
        { product_id: b, quantity: 1 },
        { product_id: a, quantity: 1 },
      ],
    });
    expect(placed.status).toBe(201);
    const order = JSON.parse(placed.body);
    expect(placed.location).toBe(`${api.url}/api/orders/${order.id}`);
    expect(order).toMatchObject({ user_id: 2, status: 'pending', currency: 'USD', paid_at: null, payment_reference: null });
    expect(order.items.map((i: { product_id: number; quantity: number }) => [i.product_id, i.quantity])).toEqual([
      [a, 3],
      [b, 1],
    ]);

    // The monolith answers the same bytes for it, and lists it on the customer's account page.
    expect(await legacyGet(customerCookie, `/api/orders/${order.id}`)).toEqual({ status: 200, body: placed.body });
    expect(await apiGet(2, `/api/orders/${order.id}`)).toEqual({ status: 200, body: placed.body });
    const account = await legacyGet(customerCookie, '/account/orders');
    expect(account.body).toContain(`id="order-${order.id}"`);
    expect(Number((await sql.query(`SELECT stock FROM products WHERE id = ${a}`))[0].stock)).toBe(4);

    // The outbox row as the PHP recorder writes it, then published once by the relay.
    const [row] = await sql.query(`SELECT * FROM offramp_outbox WHERE event_type = 'shop.orders.placed.v1' AND aggregate_id = '${order.id}'`);
    expect(row).toMatchObject({ aggregate_type: 'order' });
    expect(row.event_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(JSON.parse(row.payload)).toEqual({
      order_id: order.id,
      user_id: 2,
      status: 'pending',
      total_cents: order.total_cents,
      currency: 'USD',
      items: [
        { product_id: a, quantity: 3, unit_price_cents: order.items[0].unit_price_cents },
        { product_id: b, quantity: 1, unit_price_cents: order.items[1].unit_price_cents },
      ],
      placed_at: order.created_at,
    });
    const stockRows = await sql.query(
      `SELECT aggregate_id FROM offramp_outbox WHERE event_type = 'shop.products.stock_changed.v1' AND payload LIKE '%"order_id":${order.id}}%' ORDER BY id`,
    );
    expect(stockRows.map((r: { aggregate_id: string }) => r.aggregate_id)).toEqual([String(a), String(b)]);

    await waitUntil(async () => (await sql.query(`SELECT published_at FROM offramp_outbox WHERE event_id = '${row.event_id}'`))[0].published_at !== null, {
      timeoutMs: 20_000,
      description: 'the relay marks the row published',
    }).catch(async (error: Error) => {
      const rows = await sql.query(`SELECT id, event_type, attempts, last_error FROM offramp_outbox`);
      throw new Error(`${error.message}\n${JSON.stringify(rows)}\n--- pipelines output ---\n${pipelines.output().slice(0, 3000)}`);
    });
    const [published] = await sql.query(`SELECT attempts, last_error FROM offramp_outbox WHERE event_id = '${row.event_id}'`);
    expect(published.last_error).toBeNull();
    const connection = new NatsConnectionManager({ url: nats.url, name: 'orders-e2e' });
    const js = jetstream(await connection.connected());
    // One subject as a string: nats-server 2.9 knows filter_subject, not filter_subjects.
    const consumer = await js.consumers.get('OFFRAMP_EVENTS', { filter_subjects: 'shop.orders.placed.v1' });
    const received: Array<{ id: string | undefined; orderId: number }> = [];
    const batch = await consumer.fetch({ max_messages: 1_000, expires: 2_000 });
    for await (const message of batch) received.push({ id: message.headers?.get('Nats-Msg-Id'), orderId: message.json<{ order_id: number }>().order_id });
    await connection.close();
    expect(received.filter((m) => m.orderId === order.id)).toEqual([{ id: row.event_id, orderId: order.id }]);
  }, 60_000);

  it('never oversells: 50 concurrent orders (40 via the api, 10 via the monolith) for the last 10 items', async () => {
    const product = await productWithStock(7, 10);
    const before = Number((await sql.query(`SELECT COUNT(*) AS n FROM order_items WHERE product_id = ${product}`))[0].n);
    const line = { items: [{ product_id: product, quantity: 1 }] };
    const attempts = await Promise.all([
      ...Array.from({ length: 40 }, (_, i) => apiPost(2 + (i % 4), line).then((r) => ({ via: 'api', ...r }))),
      ...Array.from({ length: 10 }, () => legacyPost(customerCookie, line).then((r) => ({ via: 'legacy', ...r }))),
    ]);
    const won = attempts.filter((a) => a.status === 201);
    const refused = attempts.filter((a) => a.status === 422);
    expect(won.length + refused.length).toBe(50);
    expect(won).toHaveLength(10);
    for (const r of refused)
      expect(JSON.parse(r.body)).toEqual({
        message: 'The given data was invalid.',
        errors: { 'items.0.quantity': [`Insufficient stock for product ${product}.`] },
      });
    expect(Number((await sql.query(`SELECT stock FROM products WHERE id = ${product}`))[0].stock)).toBe(0);
    expect(Number((await sql.query(`SELECT COUNT(*) AS n FROM order_items WHERE product_id = ${product}`))[0].n) - before).toBe(10);
    const apiWins = won.filter((w) => w.via === 'api').map((w) => String(JSON.parse(w.body).id));
    const placedRows = await sql.query(`SELECT aggregate_id FROM offramp_outbox WHERE event_type = 'shop.orders.placed.v1'`);
    for (const id of apiWins) expect(placedRows.filter((r: { aggregate_id: string }) => r.aggregate_id === id)).toHaveLength(1);
  }, 120_000);

  it("answers invalid input, someone else's order, missing orders and missing tokens as the monolith does", async () => {
    await productWithStock(9, 1);
    const bodies = [
      {},
      { items: [] },
      { items: 'abc' },
      { items: [{ product_id: 99999999, quantity: 0 }, { quantity: 'x' }, 5, null] },
      { items: [{ product_id: '9', quantity: '2' }] },
      { items: [{ product_id: 9, quantity: 1001 }] },
    ];
    for (const body of bodies) {
      const fromLegacy = await legacyPost(customerCookie, body);
      expect(fromLegacy.status).toBe(422);
      expect(await apiPost(2, body)).toEqual({ ...fromLegacy, location: null });
    }
    // Unknown fields: ignored, as the monolith ignores them (bad-input.laravel…e2e.spec.ts compares the orders placed).
    await productWithStock(9, 2);
    const unknown = await apiPost(2, { items: [{ product_id: 9, quantity: 1, qty: 3 }], coupon: 'X' });
    expect(unknown.status).toBe(201);
    expect(JSON.parse(unknown.body).items.map((i: { quantity: number }) => i.quantity)).toEqual([1]);

    const someoneElses = (await sql.query(`SELECT id FROM orders WHERE user_id <> 2 ORDER BY id LIMIT 1`))[0].id;
    expect(await apiGet(2, `/api/orders/${someoneElses}`)).toEqual(await legacyGet(customerCookie, `/api/orders/${someoneElses}`));
    expect(await apiGet(2, '/api/orders/99999999')).toEqual(await legacyGet(customerCookie, '/api/orders/99999999'));
    expect((await apiGet(2, '/api/orders/99999999')).status).toBe(404);

    const anonymous = await apiPost(undefined, { items: [{ product_id: 9, quantity: 1 }] });
    const legacyAnonymous = await fetch(`${legacy.url}/api/orders/1`, { headers: { accept: 'application/json' } });
    expect({ status: anonymous.status, body: anonymous.body }).toEqual({ status: 401, body: await legacyAnonymous.text() });
    const forged = await fetch(`${api.url}/api/orders/1`, { headers: { 'x-offramp-identity': 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIyIn0.' } });
    expect(forged.status).toBe(401);
  }, 60_000);
});
