import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
// @ts-expect-error better-sqlite3 ships no types; the test reads one join and writes one row.
import Database from 'better-sqlite3';
import {
  gatewayAdmin,
  startGateway,
  startNatsServer,
  startSymfonyApp,
  throughGateway,
  waitUntil,
  workspaceRoot,
  writeRoutesFile,
  type NatsServerHandle,
  type ServiceProcess,
  type SymfonyApp,
} from '@offramp/testing';

// Issue 13, point 5: a route's whole lifecycle in front of the real Symfony monolith. The "slice" is
// a small Node handler on loopback that reads the app's SQLite file (read-only) and answers
// catalog_show's JSON form (/{_locale}/products/{id}.json) byte for byte as CatalogController does;
// the gateway (LEGACY_FRAMEWORK=symfony) has the app's routes from `bin/console debug:router`.
const SHADOW_SAMPLES = 21;
const WRONG_ID = 7;
const AWKWARD_ID = 21;

/** JsonResponse's default flags: HEX_TAG|HEX_APOS|HEX_AMP|HEX_QUOT, slashes escaped, non-ASCII as \uXXXX (lowercase hex). */
function phpJson(value: unknown): string {
  // Escapes are read in pairs, so `\\` followed by a closing quote is not taken for an escaped quote.
  return JSON.stringify(value).replace(/\\.|[\u0080-\uffff<>&'/]/g, (found) => {
    if (found.length === 2) return found === '\\"' ? '\\u0022' : found;
    if (found === '/') return '\\/';
    const hex = found.charCodeAt(0).toString(16).padStart(4, '0');
    return `\\u${/[<>&']/.test(found) ? hex.toUpperCase() : hex}`;
  });
}

/** The part of better-sqlite3 this test uses. */
interface Sqlite {
  prepare(sql: string): { get(...params: unknown[]): unknown; run(...params: unknown[]): unknown };
  close(): void;
}

interface ProductRow {
  id: number;
  category_id: number;
  sku: string;
  name: string;
  slug: string;
  description: string;
  price_cents: number;
  currency: string;
  stock: number;
  category_name: string;
  category_slug: string;
}

/** ProductRepository::present, in the same key order. */
function present(row: ProductRow): Record<string, unknown> {
  return {
    id: Number(row.id),
    sku: String(row.sku),
    name: String(row.name),
    slug: String(row.slug),
    description: String(row.description),
    price_cents: Number(row.price_cents),
    currency: String(row.currency),
    stock: Number(row.stock),
    category: { id: Number(row.category_id), name: String(row.category_name), slug: String(row.category_slug) },
  };
}

interface CatalogHandler {
  url: string;
  hits: number;
  /** When set, this id's name is answered wrong on purpose (a bug the shadow must catch). */
  wrongId?: number;
  close(): Promise<void>;
}

async function startCatalogHandler(sqliteFile: string): Promise<CatalogHandler> {
  const db = new Database(sqliteFile, { readonly: true, fileMustExist: true }) as Sqlite;
  const find = db.prepare(
    'SELECT p.id, p.category_id, p.sku, p.name, p.slug, p.description, p.price_cents, p.currency, p.stock, c.name AS category_name, c.slug AS category_slug FROM products p JOIN categories c ON c.id = p.category_id WHERE p.id = ?',
  );
  const handler: CatalogHandler = { url: '', hits: 0, close: async () => undefined };
  const server: Server = createServer((request, response) => {
    handler.hits++;
    const match = /^\/(en|fr)\/products\/(\d+)\.json$/.exec(new URL(request.url ?? '/', 'http://x').pathname);
    const row = match ? (find.get(Number(match[2])) as ProductRow | undefined) : undefined;
    if (!row) {
      response.writeHead(404, { 'content-type': 'application/problem+json' }).end(phpJson({ title: 'Not Found', status: 404 }));
      return;
    }
    const product = present(row);
    if (handler.wrongId === product['id']) product['name'] = `${String(product['name'])} (wrong)`;
    const body = phpJson(product);
    response.writeHead(200, { 'content-type': 'application/json', 'x-catalog-handler': 'node' }).end(request.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  handler.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  handler.close = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    db.close();
  };
  return handler;
}

describe('a Symfony route legacy → shadow → canary → service → rollback (real Symfony, gateway, nats-server, a Node handler)', () => {
  let nats: NatsServerHandle;
  let app: SymfonyApp;
  let catalog: CatalogHandler;
  let gateway: ServiceProcess;
  let routes: { path: string; remove(): void };
  let routeId: string;

  const product = (id: number | string, locale = 'en') => throughGateway(gateway, `/${locale}/products/${id}.json`);
  /** A route of the table by name, as PUT /routes takes it back (without what the table adds), and its id. */
  const editable = async (name: string) => {
    const listed = (await gatewayAdmin(gateway, 'GET', '/routes')).json.routes as ({ id: string; name?: string } & Record<string, unknown>)[];
    const found = listed.find((each) => each.name === name);
    if (!found) throw new Error(`no route named ${name} in the table`);
    const { revision: _revision, lastChange: _change, shadowMatch: _match, shadowGate: _gate, ...route } = found;
    return route as { id: string; requirements: Record<string, string> } & Record<string, unknown>;
  };
  const verdict = async () => (await gatewayAdmin(gateway, 'GET', `/diffs?id=${encodeURIComponent(routeId)}&limit=20`)).json;

  beforeAll(async () => {
    nats = await startNatsServer();
    app = await startSymfonyApp();
    catalog = await startCatalogHandler(app.databaseUrl.replace(/^sqlite:\/\//, ''));
    routes = writeRoutesFile('routes: []\n');
    gateway = await startGateway({
      natsUrl: nats.url,
      legacyUrl: app.url,
      databaseUrl: app.databaseUrl,
      routesFile: routes.path,
      bucket: 'symfony_lifecycle_routes',
      services: { catalog: catalog.url },
      timeoutMs: 60_000,
      env: { LEGACY_FRAMEWORK: 'symfony', SESSION_DRIVER: 'file', SYMFONY_SESSION_FILES: app.sessionPath, SYMFONY_USER_CLASSES: 'App\\Security\\User' },
    });
    await waitUntil(async () => (await gatewayAdmin(gateway, 'GET', '/routes')).json?.loaded === true, {
      timeoutMs: 20_000,
      description: 'route table loaded',
    });
  }, 180_000);

  afterAll(async () => {
    await gateway?.stop('SIGTERM');
    await catalog?.close();
    await app?.close();
    await nats?.stop();
    routes?.remove();
  });

  it('imports the app’s routes from `bin/console debug:router --format=json`, all legacy', async () => {
    const { stdout: routeList } = await promisify(execFile)('php', ['bin/console', 'debug:router', '--format=json'], {
      cwd: join(workspaceRoot(), 'apps/legacy-symfony'),
      env: { ...process.env, APP_ENV: 'prod', APP_DEBUG: '0', APP_SECRET: 'route-list', APP_VAR_DIR: app.varDir, DATABASE_URL: app.databaseUrl },
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    const imported = await gatewayAdmin(gateway, 'POST', '/routes/import', { format: 'symfony', routeList, reason: 'inventory of the Symfony app' });
    expect(imported.status).toBe(200);
    const listed = (await gatewayAdmin(gateway, 'GET', '/routes')).json.routes as {
      id: string;
      name?: string;
      state: string;
      requirements?: Record<string, string>;
    }[];
    expect(listed.every((route) => route.state === 'legacy')).toBe(true);

    // The slice takes only the JSON form: catalog_show is split in two on the gateway, its HTML form (`_format` html,
    // the default) staying Symfony's and a catalog_show_json route for `.json`; every URL still reaches the same controller.
    const show = await editable('catalog_show');
    const { id: _showId, ...showRoute } = show;
    const split = await gatewayAdmin(gateway, 'PUT', '/routes', {
      route: { ...showRoute, requirements: { ...show.requirements, _format: 'html' } },
      reason: 'JSON form split off',
    });
    expect(split.status).toBe(200);
    const set = await gatewayAdmin(gateway, 'PUT', '/routes', {
      route: {
        method: 'GET|HEAD',
        path: '/{_locale}/products/{id}.json',
        name: 'catalog_show_json',
        state: 'legacy',
        service: 'catalog',
        requirements: { _locale: show.requirements['_locale'], id: show.requirements['id'] },
        shadow: { minSamples: SHADOW_SAMPLES },
      },
      reason: 'the Node catalog handler serves the JSON detail',
    });
    expect(set.status).toBe(200);
    routeId = (await editable('catalog_show_json')).id;
    const resolve = async (path: string) => (await gatewayAdmin(gateway, 'GET', `/routes/resolve?path=${encodeURIComponent(path)}`)).json.route?.name ?? null;
    expect(await resolve('/en/products/1.json')).toBe('catalog_show_json');
    expect(await resolve('/en/products/1')).toBe('catalog_show');
    expect(await resolve('/en/products/1.html')).toBe('catalog_show');
    // Legacy: Symfony answers, the handler is not asked.
    const answer = await product(1);
    expect(answer).toMatchObject({ status: 200, backend: 'legacy' });
    expect(catalog.hits).toBe(0);
  }, 90_000);

  it('the handler answers byte for byte as Symfony does, escaping included', async () => {
    // One product with what JsonResponse escapes (quotes, <>&', slashes, backslashes, non-ASCII, an emoji), written as the app's admin would.
    const db = new Database(app.databaseUrl.replace(/^sqlite:\/\//, '')) as Sqlite;
    try {
      db.prepare(
        'INSERT INTO products (id, category_id, sku, name, slug, description, price_cents, currency, stock, popularity, created_at, updated_at) VALUES (?, 1, ?, ?, ?, ?, 1250, ?, 3, 0, ?, ?)',
      ).run(
        AWKWARD_ID,
        'SKU-Ü/1',
        'Café "Crème" & <Tarte> l\'été',
        'cafe-creme',
        'Half/half \\ 50% — 🍰 tab\there',
        'EUR',
        '2026-01-01 00:00:00',
        '2026-01-01 00:00:00',
      );
    } finally {
      db.close();
    }
    for (const id of [1, 2, 3, 11, 20, AWKWARD_ID]) {
      const [symfony, node] = await Promise.all([fetch(`${app.url}/en/products/${id}.json`), fetch(`${catalog.url}/en/products/${id}.json`)]);
      expect(symfony.headers.get('content-type')).toBe('application/json');
      expect({ id, body: await node.text() }).toEqual({ id, body: await symfony.text() });
    }
    expect(await (await fetch(`${app.url}/en/products/${AWKWARD_ID}.json`)).text()).toContain(
      '\\u0022Cr\\u00e8me\\u0022 \\u0026 \\u003CTarte\\u003E l\\u0027\\u00e9t\\u00e9',
    );
    catalog.hits = 0;
  });

  it('shadow: Symfony still answers; the evidence shows every comparison matching, and promotion is allowed', async () => {
    const promoted = await gatewayAdmin(gateway, 'POST', '/routes/promote', { id: routeId, to: 'shadow', reason: 'compare the Node handler' });
    expect(promoted).toMatchObject({ status: 200 });
    for (let i = 0; i < SHADOW_SAMPLES; i++) {
      const answer = await product((i % AWKWARD_ID) + 1, i % 2 ? 'fr' : 'en');
      expect(answer).toMatchObject({ status: 200, backend: 'legacy' });
      expect(answer.headers.get('x-catalog-handler')).toBeNull();
    }
    await waitUntil(async () => (await verdict()).matchRate?.samples >= SHADOW_SAMPLES, { timeoutMs: 20_000, description: 'shadow comparisons counted' });
    const evidence = await verdict();
    expect(evidence.matchRate).toMatchObject({ samples: SHADOW_SAMPLES, rate: 1 });
    expect(evidence.shadowGate).toMatchObject({ promotable: true, missing: [] });
    expect(evidence.mismatches).toEqual([]);
    expect(catalog.hits).toBeGreaterThanOrEqual(SHADOW_SAMPLES);
  }, 60_000);

  it('a deliberate mismatch is recorded with its diff, and promotion is refused', async () => {
    catalog.wrongId = WRONG_ID;
    expect(await product(WRONG_ID)).toMatchObject({ status: 200, backend: 'legacy' });
    await waitUntil(async () => (await verdict()).mismatches?.length > 0, { timeoutMs: 20_000, description: 'mismatch recorded' });
    const evidence = await verdict();
    const name = ((await (await fetch(`${app.url}/en/products/${WRONG_ID}.json`)).json()) as { name: string }).name;
    expect(evidence.mismatches[0].differences).toEqual([{ key: 'body:$.name', legacy: name, service: `${name} (wrong)` }]);
    expect(evidence.matchRate.rate).toBeLessThan(1);
    expect(evidence.shadowGate.promotable).toBe(false);
    const refused = await gatewayAdmin(gateway, 'POST', '/routes/promote', { id: routeId, to: 'canary', canaryPercent: 50, reason: 'too soon' });
    expect(refused.status).toBe(409);
    catalog.wrongId = undefined;
  }, 60_000);

  it('the bug fixed, new matching comparisons bring the rate over the threshold; canary then service: the Node handler answers, other URLs still Symfony', async () => {
    // 1 mismatch in 100 is the 99% the route asks for.
    const before = (await verdict()).matchRate.samples as number;
    for (let i = before; i < 100; i++) expect((await product((i % AWKWARD_ID) + 1)).status).toBe(200);
    await waitUntil(async () => (await verdict()).shadowGate?.promotable === true, {
      timeoutMs: 20_000,
      description: 'shadow evidence over the threshold again',
    });
    const canary = await gatewayAdmin(gateway, 'POST', '/routes/promote', { id: routeId, to: 'canary', canaryPercent: 50, reason: 'name bug fixed' });
    expect(canary.status).toBe(200);
    // A caller stays on one side (sticky by the PHP session id); 30 callers at 50% land on both sides.
    const callers = Array.from({ length: 30 }, (_, i) => `PHPSESSID=${randomBytes(13).toString('hex').slice(0, 24)}${String(i).padStart(2, '0')}`);
    const side = async (cookie: string, id: number) => {
      const answer = await throughGateway(gateway, `/en/products/${id}.json`, { headers: { cookie } });
      expect(answer.status).toBe(200);
      return answer.headers.get('x-catalog-handler') === 'node' ? 'node' : 'symfony';
    };
    const first = await Promise.all(callers.map((cookie, i) => side(cookie, (i % 20) + 1)));
    const again = await Promise.all(callers.map((cookie, i) => side(cookie, ((i + 5) % 20) + 1)));
    expect(again).toEqual(first);
    expect(new Set(first)).toEqual(new Set(['node', 'symfony']));

    expect((await gatewayAdmin(gateway, 'POST', '/routes/promote', { id: routeId, to: 'service', reason: 'canary clean' })).status).toBe(200);
    catalog.hits = 0;
    const served = await product(3);
    expect(served).toMatchObject({ status: 200, backend: 'catalog' });
    expect(served.headers.get('x-catalog-handler')).toBe('node');
    expect(served.body).toBe(await (await fetch(`${app.url}/en/products/3.json`)).text());
    expect(catalog.hits).toBe(1);

    // Requirements Symfony would refuse: not the route, so the monolith answers (404 from Symfony), and the HTML form stays Symfony's.
    for (const path of ['/de/products/1.json', '/en/products/abc.json', '/en/products/1.xml']) {
      expect({ path, ...(await throughGateway(gateway, path)) }).toMatchObject({ path, status: 404, backend: 'legacy' });
    }
    const html = await throughGateway(gateway, '/en/products/1');
    expect(html).toMatchObject({ status: 200, backend: 'legacy' });
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(catalog.hits).toBe(1);

    // A requirement narrowed on the live route takes effect at once: French callers go back to Symfony.
    const { id: _id, ...live } = await editable('catalog_show_json');
    const narrowed = await gatewayAdmin(gateway, 'PUT', '/routes', {
      route: { ...live, requirements: { ...live.requirements, _locale: 'en' } },
      reason: 'French copy not ready',
    });
    expect(narrowed.status).toBe(200);
    await waitUntil(async () => (await product(1, 'fr')).backend === 'legacy', { timeoutMs: 10_000, description: 'the narrowed requirement applied' });
    expect(await product(1, 'en')).toMatchObject({ status: 200, backend: 'catalog' });
  }, 90_000);

  it('rollback of the route in one call: Symfony answers again', async () => {
    const rolledBack = await gatewayAdmin(gateway, 'POST', '/routes/rollback', { id: routeId, reason: 'incident drill' });
    expect(rolledBack).toMatchObject({ status: 200, json: { rolledBack: [routeId] } });
    catalog.hits = 0;
    const answer = await product(3);
    expect(answer).toMatchObject({ status: 200, backend: 'legacy' });
    expect(answer.headers.get('x-catalog-handler')).toBeNull();
    expect(catalog.hits).toBe(0);
    const history = (await gatewayAdmin(gateway, 'GET', `/routes/history?id=${encodeURIComponent(routeId)}`)).json.history as {
      change?: { reason?: string };
    }[];
    expect(history.length).toBeGreaterThanOrEqual(5);
  });
});
