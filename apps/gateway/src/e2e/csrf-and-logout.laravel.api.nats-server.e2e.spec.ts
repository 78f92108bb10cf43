import {
  legacyLogin,
  startLegacyApp,
  startNatsServer,
  startService,
  waitUntil,
  type LegacyApp,
  type NatsServerHandle,
  type ServiceProcess,
  gatewayAdmin,
  E2E_IDENTITY_SECRET,
  startGateway,
  throughGateway,
  writeRoutesFile,
  type ProxiedAnswer,
} from '@offramp/testing';

// Issue 9, points 4 and 7, against the real Laravel monolith (php -S), the real api slice and a
// real nats-server: the monolith's CSRF check survives the move of POST /api/orders to the slice,
// and a logout through the gateway ends the old cookie's identity at once, also for slices.
const ROUTES = `
routes:
  - { method: POST, path: /api/orders, state: legacy, service: api, fallback: false }
  - { method: GET|HEAD, path: '/api/orders/{id}', state: service, service: api }
  - { method: POST, path: /login, state: legacy, service: api }
`;
const ORDER = JSON.stringify({ items: [{ product_id: 1, quantity: 1 }] });
const CROSS_SITE_FORM = 'items%5B0%5D%5Bproduct_id%5D=1&items%5B0%5D%5Bquantity%5D=1';

describe('CSRF and logout through the gateway, against the real monolith and slice', () => {
  let nats: NatsServerHandle;
  let legacy: LegacyApp;
  let api: ServiceProcess;
  let gateway: ServiceProcess;
  /** Identity from whoami only (SESSION_DRIVER=none): the cache that logout must clear is the whoami one. */
  let whoamiGateway: ServiceProcess;
  let routes: { path: string; remove(): void };

  beforeAll(async () => {
    nats = await startNatsServer();
    // APP_DEBUG off: the monolith answers 419 as in production (no stack trace), which the gateway reproduces.
    legacy = await startLegacyApp({ env: { APP_DEBUG: 'false' } });
    routes = writeRoutesFile(ROUTES);
    api = await startService({
      app: 'api',
      env: { DATABASE_URL: legacy.databaseUrl, NATS_URL: nats.url, IDENTITY_TOKEN_SECRET: E2E_IDENTITY_SECRET, API_RATE_LIMIT: '100000', LOG_LEVEL: 'warn' },
    });
    const options = (bucket: string, env: Record<string, string>) => ({
      natsUrl: nats.url,
      legacyUrl: legacy.url,
      databaseUrl: legacy.databaseUrl,
      routesFile: routes.path,
      bucket,
      services: { api: api.url },
      env: { APP_KEY: legacy.appKey, SESSION_FILES: `${legacy.storagePath}/framework/sessions`, ...env },
    });
    [gateway, whoamiGateway] = await Promise.all([
      startGateway(options('csrf_routes', {})),
      startGateway(options('whoami_routes', { SESSION_DRIVER: 'none' })),
    ]);
    for (const each of [gateway, whoamiGateway]) {
      await waitUntil(async () => (await gatewayAdmin(each, 'GET', '/routes')).json?.loaded === true, { timeoutMs: 20_000, description: 'route table loaded' });
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([gateway?.stop(), whoamiGateway?.stop(), api?.stop()]);
    await legacy?.close();
    await nats?.stop();
    routes?.remove();
  });

  async function setState(on: ServiceProcess, id: string, state: string, patch: Record<string, unknown> = {}): Promise<void> {
    const current = (await gatewayAdmin(on, 'GET', '/routes')).json.routes.find((route: { id: string }) => route.id === id);
    expect((await gatewayAdmin(on, 'PUT', '/routes', { route: { ...current, state, ...patch }, reason: 'e2e', by: 'e2e' })).status).toBe(200);
    const applied = (route: Record<string, unknown>) =>
      route['id'] === id && route['state'] === state && Object.entries(patch).every(([key, value]) => route[key] === value);
    await waitUntil(async () => (await gatewayAdmin(on, 'GET', '/routes')).json.routes.some(applied), { timeoutMs: 10_000, description: `${id} in ${state}` });
  }

  /** A browser session through the gateway: cookies, and the token the monolith renders into its pages. */
  async function browserSession(on: ServiceProcess, email = 'customer@example.test'): Promise<{ cookies: string; csrfToken: string; xsrf: string }> {
    const cookies = await legacyLogin(on.url, email);
    const page = await throughGateway(on, '/account/orders', { headers: { cookie: cookies } });
    const csrfToken = /<meta name="csrf-token" content="([^"]+)">/.exec(page.body)?.[1];
    const xsrf = /(?:^|; )XSRF-TOKEN=([^;]+)/.exec(cookies)?.[1];
    if (!csrfToken || !xsrf) throw new Error(`no CSRF token for ${email} (status ${page.status})`);
    // X-XSRF-TOKEN carries the cookie as JavaScript reads it: URL-decoded (axios does this).
    return { cookies, csrfToken, xsrf: decodeURIComponent(xsrf) };
  }

  describe('CSRF after migration (point 4)', () => {
    let session: { cookies: string; csrfToken: string; xsrf: string };

    beforeAll(async () => {
      session = await browserSession(gateway);
    });

    const attacks = () => ({
      'cross-site form post': () =>
        throughGateway(gateway, '/api/orders', {
          method: 'POST',
          headers: {
            cookie: session.cookies,
            'content-type': 'application/x-www-form-urlencoded',
            origin: 'https://evil.example',
            accept: 'text/html,application/xhtml+xml,*/*;q=0.8',
          },
          body: CROSS_SITE_FORM,
        }),
      'fetch without the header': () =>
        throughGateway(gateway, '/api/orders', {
          method: 'POST',
          headers: { cookie: session.cookies, 'content-type': 'application/json', accept: 'application/json' },
          body: ORDER,
        }),
      'a wrong token': () =>
        throughGateway(gateway, '/api/orders', {
          method: 'POST',
          headers: { cookie: session.cookies, 'content-type': 'application/json', 'x-csrf-token': 'x'.repeat(40) },
          body: ORDER,
        }),
      'no session at all (419 before authentication)': () =>
        throughGateway(gateway, '/api/orders', {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': session.csrfToken },
          body: ORDER,
        }),
    });
    const placements = () => ({
      'X-CSRF-TOKEN from the page': { 'x-csrf-token': session.csrfToken },
      'X-XSRF-TOKEN from the cookie': { 'x-xsrf-token': session.xsrf },
    });
    const placeOrder = (headers: Record<string, string>) =>
      throughGateway(gateway, '/api/orders', {
        method: 'POST',
        headers: { cookie: session.cookies, 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: ORDER,
      });

    const answers: Record<string, Record<string, ProxiedAnswer>> = { legacy: {}, service: {} };

    it.each(['legacy', 'service'])(
      '%s: a cross-site form post, a fetch without the header, a wrong token and no session get 419; the right header places the order',
      async (state) => {
        if (state === 'service') await setState(gateway, 'POST /api/orders', 'service');
        const statuses: Record<string, number> = {};
        const expected: Record<string, number> = {};
        for (const [name, attack] of Object.entries(attacks())) {
          answers[state][name] = await attack();
          statuses[name] = answers[state][name].status;
          expected[name] = 419;
        }
        for (const [name, headers] of Object.entries(placements())) {
          answers[state][name] = await placeOrder(headers);
          statuses[name] = answers[state][name].status;
          expected[name] = 201;
          expect(answers[state][name].backend).toBe(state === 'legacy' ? 'legacy' : 'api');
        }
        expect(statuses).toEqual(expected);
      },
    );

    it('answers as the monolith did: the same 419 bytes, and the same order shape from the slice', () => {
      for (const name of Object.keys(attacks())) {
        const [before, after] = [answers['legacy'][name], answers['service'][name]];
        expect(after.backend).toBe('gateway');
        expect({ name, body: after.body, type: after.headers.get('content-type') }).toEqual({
          name,
          body: before.body,
          type: before.headers.get('content-type'),
        });
      }
      expect(answers['service']['fetch without the header'].body).toBe('{\n    "message": "CSRF token mismatch."\n}');
      for (const name of Object.keys(placements())) {
        const [before, after] = [JSON.parse(answers['legacy'][name].body), JSON.parse(answers['service'][name].body)];
        expect(shape(after)).toEqual(shape(before));
        expect(after.user_id).toBe(before.user_id);
      }
    });

    it('reads the token where Laravel reads it: body `_token` first, then X-CSRF-TOKEN, then X-XSRF-TOKEN, as the monolith decides', async () => {
      const boundary = 'offrampBoundary7MA4YWxk';
      const multipart = (token: string) => `--${boundary}\r\nContent-Disposition: form-data; name="_token"\r\n\r\n${token}\r\n--${boundary}--\r\n`;
      // An order Laravel and the slice both refuse with 422 once the token passed: nothing is placed.
      const invalid = { items: [] as unknown[] };
      const variants: Record<string, () => RequestInit> = {
        'JSON _token': () => json({ ...invalid, _token: session.csrfToken }),
        'JSON _token, padded with spaces (TrimStrings)': () => json({ ...invalid, _token: `  ${session.csrfToken}\n` }),
        'JSON _token wins over a right header': () => json({ ...invalid, _token: 'wrong' }, { 'x-csrf-token': session.csrfToken }),
        'JSON _token "" falls through to the header (ConvertEmptyStringsToNull)': () => json({ ...invalid, _token: '' }, { 'x-csrf-token': session.csrfToken }),
        'JSON _token as a list is never a token': () => json({ ...invalid, _token: [session.csrfToken] }, { 'x-csrf-token': session.csrfToken }),
        'query ?_token=': () => ({ ...json(invalid), query: `_token=${session.csrfToken}` }),
        'form _token': () => form(`items=&_token=${session.csrfToken}`),
        'form .token (PHP makes it _token)': () => form(`items=&.token=${session.csrfToken}`),
        'form _token[] with a right header': () => form(`items=&_token%5B%5D=${session.csrfToken}`, { 'x-csrf-token': session.csrfToken }),
        'multipart _token field': () => ({
          headers: { cookie: session.cookies, accept: 'application/json', 'content-type': `multipart/form-data; boundary=${boundary}` },
          body: multipart(session.csrfToken),
        }),
        'X-CSRF-TOKEN "0" falls through to X-XSRF-TOKEN': () => json(invalid, { 'x-csrf-token': '0', 'x-xsrf-token': session.xsrf }),
        'X-XSRF-TOKEN that does not decrypt': () => json(invalid, { 'x-xsrf-token': session.xsrf.slice(0, -6) }),
        'upper-case APPLICATION/JSON is not JSON to Laravel': () => ({
          ...json({ ...invalid, _token: session.csrfToken }),
          headers: { cookie: session.cookies, 'content-type': 'APPLICATION/JSON' },
        }),
      };
      const outcome = async () => {
        const results: Record<string, boolean> = {};
        for (const [name, variant] of Object.entries(variants)) {
          const { query, ...init } = variant() as RequestInit & { query?: string };
          results[name] = (await throughGateway(gateway, `/api/orders${query ? `?${query}` : ''}`, { method: 'POST', ...init })).status === 419;
        }
        return results;
      };
      await setState(gateway, 'POST /api/orders', 'legacy');
      const monolith = await outcome();
      await setState(gateway, 'POST /api/orders', 'service');
      const edge = await outcome();
      expect(edge).toEqual(monolith);
      // Not a table of 419s only: some variants pass, some do not.
      expect(new Set(Object.values(monolith))).toEqual(new Set([true, false]));
    });

    it('answers browsers with the monolith’s own "Page Expired" page, byte for byte', async () => {
      const post = () =>
        throughGateway(gateway, '/login', {
          method: 'POST',
          headers: { cookie: session.cookies, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
          body: 'email=a%40b.c&password=x',
        });
      const monolith = await post();
      await setState(gateway, 'POST /login', 'service');
      const edge = await post();
      await setState(gateway, 'POST /login', 'legacy');
      expect(monolith).toMatchObject({ status: 419, backend: 'legacy' });
      expect(edge).toMatchObject({ status: 419, backend: 'gateway' });
      expect(edge.headers.get('content-type')).toBe(monolith.headers.get('content-type'));
      expect(edge.body).toBe(monolith.body);
      expect(edge.body).toContain('Page Expired');
    });

    it('canary: checked before a side is chosen; the monolith’s side gets the body the check read', async () => {
      await setState(gateway, 'POST /api/orders', 'canary', { canaryPercent: 0 });
      const refused = await placeOrder({});
      const placed = await placeOrder({ 'x-csrf-token': session.csrfToken });
      const fromForm = await throughGateway(gateway, '/api/orders', {
        method: 'POST',
        headers: { cookie: session.cookies, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: `${CROSS_SITE_FORM}&_token=${session.csrfToken}`,
      });
      await setState(gateway, 'POST /api/orders', 'service', { canaryPercent: 0 });
      expect(refused).toMatchObject({ status: 419, backend: 'gateway' });
      expect(placed).toMatchObject({ status: 201, backend: 'legacy' });
      expect(fromForm).toMatchObject({ status: 201, backend: 'legacy' });
      expect(JSON.parse(fromForm.body).items).toHaveLength(1);
    });

    it('the slice relies on the identity token’s claim: with the gateway’s check turned off (csrf: false), the slice refuses as Laravel does', async () => {
      await setState(gateway, 'POST /api/orders', 'service', { csrf: false });
      const unchecked = await placeOrder({});
      const checked = await placeOrder({ 'x-csrf-token': session.csrfToken });
      await setState(gateway, 'POST /api/orders', 'service', { csrf: true });
      expect(unchecked).toMatchObject({ status: 419, backend: 'api' });
      expect(unchecked.body).toBe(answers['legacy']['fetch without the header'].body);
      // A token the gateway did not check is no proof either: the claim says whether it checked.
      expect(checked).toMatchObject({ status: 419, backend: 'api' });
    });

    function json(body: unknown, headers: Record<string, string> = {}): RequestInit {
      return { headers: { cookie: session.cookies, 'content-type': 'application/json', accept: 'application/json', ...headers }, body: JSON.stringify(body) };
    }

    function form(body: string, headers: Record<string, string> = {}): RequestInit {
      return { headers: { cookie: session.cookies, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers }, body };
    }
  });

  describe('logout is immediate (point 7)', () => {
    it.each([
      ['the session store (SESSION_CACHE_MS)', () => gateway],
      ['whoami (WHOAMI_CACHE_MS)', () => whoamiGateway],
    ])('after POST /logout through the gateway, a slice accepts the old cookie 0 times; identity from %s', async (_source, which) => {
      const on = which();
      const session = await browserSession(on);
      // An order of this customer, placed through the monolith, read from the slice.
      const placed = await fetch(`${legacy.url}/api/orders`, {
        method: 'POST',
        headers: { cookie: session.cookies, 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': session.csrfToken },
        body: ORDER,
      });
      expect(placed.status).toBe(201);
      const orderPath = `/api/orders/${((await placed.json()) as { id: number }).id}`;
      expect(await throughGateway(on, orderPath, { headers: { cookie: session.cookies } })).toMatchObject({ status: 200, backend: 'api' });

      let logoutArrived = false;
      let before = 0;
      const acceptedAfter: number[] = [];
      let refusedAfter = 0;
      const reader = (async () => {
        // Bounded: enough requests after the logout to cover the whole cache lifetime many times over.
        for (let index = 0; index < 20_000 && acceptedAfter.length + refusedAfter < 200; index++) {
          const sentAfterLogout = logoutArrived;
          const { status } = await throughGateway(on, orderPath, { headers: { cookie: session.cookies } });
          if (!sentAfterLogout) before += status === 200 ? 1 : 0;
          else if (status === 401) refusedAfter++;
          else acceptedAfter.push(status);
        }
      })();
      await waitUntil(async () => before >= 20 || undefined, { timeoutMs: 20_000, intervalMs: 5, description: 'the slice answering the logged-in reader' });
      const logout = await throughGateway(on, '/logout', {
        method: 'POST',
        headers: { cookie: session.cookies, 'x-csrf-token': session.csrfToken, accept: 'application/json' },
      });
      logoutArrived = true;
      await reader;
      expect(logout).toMatchObject({ status: 204, backend: 'legacy' });
      expect(
        await fetch(`${legacy.url}${orderPath}`, { headers: { cookie: session.cookies, accept: 'application/json' } }).then((response) => response.status),
      ).toBe(401);
      console.log(
        `logout via ${_source}: ${before} requests answered before the logout arrived, ${refusedAfter} refused after, ${acceptedAfter.length} accepted after`,
      );
      expect({ acceptedAfter: acceptedAfter.length, statuses: [...new Set(acceptedAfter)] }).toEqual({ acceptedAfter: 0, statuses: [] });
      expect(refusedAfter).toBe(200);
    });
  });
});

/** Keys and value types, recursively: the same JSON shape whatever the ids and dates. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shape(inner)]));
  return value === null ? 'null' : typeof value;
}
