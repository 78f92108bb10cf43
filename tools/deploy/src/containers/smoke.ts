import { legacyLogin, waitUntil } from '@offramp/testing';

export interface SmokeResult {
  step: string;
  ms: number;
}

/**
 * What a user does, through the gateway's published port only: the catalog, a login, an order;
 * then the order's event relayed (its outbox row marked published by the pipelines relay, asked of
 * the database with `publishedOrders`); and the migration dashboard on the gateway's admin port,
 * from the image's own copy of apps/dashboard/dist, with the slices' admin APIs its Pipelines and
 * Integrations pages read through the gateway.
 */
export async function smokeThroughGateway(
  gatewayUrl: string,
  publishedOrders: () => Promise<number>,
  admin: { url: string; token: string },
): Promise<SmokeResult[]> {
  const adminUrl = admin.url;
  const steps: SmokeResult[] = [];
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const result = await work();
    steps.push({ step: name, ms: Date.now() - started });
    return result;
  };
  const answer = async (path: string, init: RequestInit = {}, base = gatewayUrl) => {
    const response = await fetch(`${base}${path}`, { redirect: 'manual', ...init, signal: AbortSignal.timeout(15_000) });
    return { status: response.status, body: await response.text(), route: response.headers.get('x-offramp-route') };
  };
  const expectStatus = (what: string, got: { status: number; body: string }, status: number) => {
    if (got.status !== status) throw new Error(`${what}: expected ${status}, got ${got.status}: ${got.body.slice(0, 300)}`);
  };

  await step('catalog', async () => {
    const products = await answer('/api/products', { headers: { accept: 'application/json' } });
    expectStatus('GET /api/products', products, 200);
    if (!(JSON.parse(products.body) as { data?: unknown[] }).data?.length) throw new Error('GET /api/products: no products');
  });
  const cookies = await step('login', () => legacyLogin(gatewayUrl, 'customer@example.test', 'password'));
  const before = await publishedOrders();
  await step('order', async () => {
    const xsrf = decodeURIComponent(/(?:^|; )XSRF-TOKEN=([^;]+)/.exec(cookies)?.[1] ?? '');
    const order = await answer('/api/orders', {
      method: 'POST',
      headers: { cookie: cookies, 'content-type': 'application/json', accept: 'application/json', 'x-xsrf-token': xsrf },
      body: JSON.stringify({ items: [{ product_id: 1, quantity: 1 }] }),
    });
    expectStatus('POST /api/orders', order, 201);
  });
  await step('event relayed', () =>
    waitUntil(async () => (await publishedOrders()) > before, { timeoutMs: 60_000, intervalMs: 500, description: 'the order event published by the relay' }),
  );
  await step('dashboard', async () => {
    const page = await answer('/_offramp/dashboard/', { headers: { accept: 'text/html' } }, adminUrl);
    expectStatus('GET /_offramp/dashboard/ on the admin port', page, 200);
    if (!page.body.includes('<title>Offramp · migration dashboard</title>'))
      throw new Error(`GET /_offramp/dashboard/: not the dashboard page: ${page.body.slice(0, 300)}`);
    const script = /<script[^>]+src="\.\/([^"]+\.js)"/.exec(page.body)?.[1];
    if (!script) throw new Error('GET /_offramp/dashboard/: the page names no script');
    expectStatus(`GET /_offramp/dashboard/${script}`, await answer(`/_offramp/dashboard/${script}`, {}, adminUrl), 200);
  });
  // The dashboard's Pipelines and Integrations pages read the slices' admin APIs through the gateway.
  await step('slice admin relays', async () => {
    const authorized = { headers: { authorization: `Bearer ${admin.token}`, accept: 'application/json' } };
    for (const path of ['/_offramp/admin/pipelines/jobs/rates?minutes=5', '/_offramp/admin/integrations/partners']) {
      expectStatus(`GET ${path} on the admin port`, await answer(path, authorized, adminUrl), 200);
    }
  });
  return steps;
}
