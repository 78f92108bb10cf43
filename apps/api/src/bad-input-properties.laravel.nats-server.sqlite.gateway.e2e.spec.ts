import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  startLegacyApp,
  startNatsServer,
  startService,
  tempSqlite,
  waitUntil,
  workspaceRoot,
  type LegacyApp,
  type NatsServerHandle,
  type ServiceProcess,
  type TempSqlite,
} from '@offramp/testing';
// @ts-expect-error better-sqlite3 ships no types; the test only counts rows.
import Database from 'better-sqlite3';

/**
 * Property suite: requests generated from the api's OpenAPI document (the catalog's query
 * parameters, the order body's schema) and from the monolith's Laravel rules, then bent out of
 * shape (wrong types, huge and float numbers, unknown and `__proto__` keys, deep nesting, trailing
 * bytes, other content types), each sent with the same bytes to the real monolith directly and,
 * as production sends it, to the api through a real gateway that has the three routes in `service`
 * (fallback off): the gateway reads the browser's Laravel session, checks its CSRF token and
 * applies its body and head limits before the api sees the request. Each side has its own copy of
 * the same seeded SQLite database, and they get the same requests in the same order, so stock and
 * ids move alike. Asserted for every case: no 5xx from the slice side, the monolith's status, the
 * monolith's body (new ids, timestamps and the host aside), and no order placed by the slice when
 * the monolith placed none.
 *
 * Deliberate differences (DELIBERATE below, each generated and asserted as it is, with its reason).
 *
 * FUZZ_RUNS sets the number of cases (npm test: 1,500, about 80 s on 2 shared cores; `npm run fuzz`: 10,000) and
 * FUZZ_SEED the seed (a failure prints its seed and path, to replay it).
 */
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 1_500);
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261202);
const SECRET = 'properties-e2e-secret-0123456789abcdef01';
const ADMIN_TOKEN = 'properties-e2e-admin-token-0123456789';
const ROUTES = `
routes:
  - { method: GET|HEAD, path: /api/products, state: service, service: api, fallback: false }
  - { method: GET|HEAD, path: '/api/products/{id}', state: service, service: api, fallback: false }
  - { method: POST, path: /api/orders, state: service, service: api, fallback: false }
`;

interface Case {
  method: 'GET' | 'POST';
  path: string;
  contentType?: string;
  body?: string;
}

interface Answer {
  status: number;
  body: string;
  /** x-offramp-backend: who answered through the gateway (null from the monolith directly). */
  backend: string | null;
}

const openapi = JSON.parse(readFileSync(join(workspaceRoot(), 'libs/contracts/openapi/api.openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string; schema: { type?: string; enum?: string[] } }> }>>;
  components: { schemas: Record<string, { properties: Record<string, { minimum?: number; maximum?: number; maxItems?: number }> }> };
};

/** A value for a parameter of this OpenAPI schema: valid ones, and the edges and wrong types a client may send. */
function parameterValue(schema: { type?: string; enum?: string[] }): fc.Arbitrary<string> {
  const wrong = fc.constantFrom('', ' ', 'abc', '1.5', '1e3', '-1', '0', '+4', ' 3 ', '9223372036854775807', '9223372036854775808', '%00', 'null', '[]');
  if (schema.enum) return fc.oneof(fc.constantFrom(...schema.enum), wrong, fc.string({ maxLength: 8 }));
  if (schema.type === 'integer') {
    return fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: 1, max: 120 }).map(String) },
      fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
      wrong,
    );
  }
  return fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 }), fc.constant('x'.repeat(101)), wrong);
}

const catalogParameters = (openapi.paths['/api/products']?.['get']?.parameters ?? []).filter((p) => p.in === 'query');

/** GET /api/products with any subset of its documented parameters (sometimes as arrays, sometimes unknown ones). */
const catalogCase: fc.Arbitrary<Case> = fc
  .tuple(fc.subarray(catalogParameters), fc.array(fc.constantFrom('tags[]=a', 'page[]=2', 'utm=x', 'flag'), { maxLength: 2 }))
  .chain(([parameters, extra]) =>
    fc.tuple(...parameters.map((p) => parameterValue(p.schema).map((value) => `${p.name}=${encodeURIComponent(value)}`))).map((pairs) => {
      const query = [...pairs, ...extra].join('&');
      return { method: 'GET' as const, path: `/api/products${query ? `?${query}` : ''}` };
    }),
  );

/** GET /api/products/{id}: digits of any length (within PHP_INT_MAX, see the deliberate difference), zeros in front, or no digits. */
const productCase: fc.Arbitrary<Case> = fc
  .oneof(
    fc.integer({ min: 1, max: 60 }).map(String),
    fc.bigInt({ min: 0n, max: 9223372036854775807n }).map(String),
    fc.integer({ min: 0, max: 60 }).map((id) => `00${id}`),
    fc.constantFrom('abc', '1.5', '-1', '1e3'),
  )
  .map((id) => ({ method: 'GET' as const, path: `/api/products/${encodeURIComponent(id)}` }));

/**
 * The documented deliberate differences, generated apart (the property excludes them) and each
 * asserted as it is. An id beyond PHP_INT_MAX in a path: Laravel's route binding hands the string
 * to an `int` parameter and PHP throws a TypeError (500, "Server Error"); the slice answers 404, as
 * the monolith does for every id of no product; copying a crash is no goal (see laravelRouteId).
 */
const DELIBERATE: Array<{ name: string; cases: fc.Arbitrary<Case>; legacyStatus: number; sliceStatus: number }> = [
  {
    name: 'an id beyond PHP_INT_MAX: the monolith 500 (PHP TypeError), the slice 404',
    cases: fc.bigInt({ min: 9223372036854775808n, max: 10n ** 40n }).map((id) => ({ method: 'GET' as const, path: `/api/products/${id}` })),
    legacyStatus: 500,
    sliceStatus: 404,
  },
];

const line = openapi.components.schemas['PlaceOrderLine']?.properties ?? {};
const maxLines = openapi.components.schemas['PlaceOrderRequest']?.properties['items']?.maxItems ?? 50;

/** Written as `__proto__` in the JSON text (an object key of that name cannot be built in JavaScript). */
const PROTO_KEY = 'proto_key_placeholder';

/** A JSON value where the rules want an integer: in range, at the edges, out of range, or of another type. */
const integerish = (minimum: number, maximum: number): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 12, arbitrary: fc.integer({ min: minimum, max: Math.min(maximum, minimum + 40) }) },
    fc.constantFrom(minimum - 1, maximum + 1, 0, -1, 1.5, '7', ' 3 ', '', null, true, [], {}, 'abc', 1e15),
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((n) => ({ raw: n.toString() })),
  );

const orderLine: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record(
      {
        product_id: integerish(line['product_id']?.minimum ?? 1, 50),
        quantity: integerish(line['quantity']?.minimum ?? 1, line['quantity']?.maximum ?? 1000),
        qty: fc.integer({ min: 1, max: 3 }),
        [PROTO_KEY]: fc.constant({ admin: true }),
      },
      { requiredKeys: [] },
    ),
  },
  fc.constantFrom(5, 'x', null, [], [1, 2]),
);

/** A JSON value with numbers kept as written (`{ raw }` is spliced in unquoted). */
function json(value: unknown): string {
  if (value !== null && typeof value === 'object' && 'raw' in value && Object.keys(value).length === 1) return String((value as { raw: string }).raw);
  if (Array.isArray(value)) return `[${value.map(json).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([key, item]) => `${JSON.stringify(key)}:${json(item)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The body's bytes bent in the ways the monolith and a naive parser read differently. */
const bent = (text: string): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constant(text) },
    fc.constantFrom(`${text}xx`, `${text}${text}`, text.slice(0, Math.max(1, text.length - 1)), `\ufeff${text}`, ` \n${text}\t`, ''),
    fc.integer({ min: 500, max: 520 }).map((depth) => `{"items":${'['.repeat(depth)}${']'.repeat(depth)}}`),
  );

const orderCase: fc.Arbitrary<Case> = fc
  .tuple(
    fc.oneof(
      { weight: 8, arbitrary: fc.array(orderLine, { minLength: 1, maxLength: 3 }) },
      { weight: 2, arbitrary: fc.array(orderLine, { minLength: 0, maxLength: maxLines + 2 }) },
      fc.constantFrom('abc', null, 5, {}),
      fc.dictionary(fc.constantFrom('a', 'b', '7'), orderLine, { maxKeys: 2 }),
    ),
    fc.record({ coupon: fc.string({ maxLength: 4 }) }, { requiredKeys: [] }),
    fc.constantFrom('application/json', 'application/json', 'application/json', 'application/vnd.api+json', 'text/plain', 'Application/JSON'),
  )
  .chain(([items, extra, contentType]) =>
    bent(json({ items, ...extra }).replaceAll(`"${PROTO_KEY}"`, '"__proto__"')).map((body) => ({
      method: 'POST' as const,
      path: '/api/orders',
      contentType,
      body,
    })),
  );

const anyCase = fc.oneof({ weight: 3, arbitrary: catalogCase }, { weight: 1, arbitrary: productCase }, { weight: 4, arbitrary: orderCase });

/** Same answer up to what differs by nature: new ids, the clock, the listener's address. */
const comparable = (body: string) =>
  body
    .replace(/"(id|order_id)":\d+/g, '"$1":N')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z/g, 'T')
    .replace(/http:\\\/\\\/127\.0\.0\.1:\d+/g, 'HOST');

describe('property: the api answers generated bad input as the monolith does (real Laravel, each on its own copy of the data)', () => {
  let nats: NatsServerHandle;
  let legacy: LegacyApp;
  let api: ServiceProcess;
  let gateway: ServiceProcess;
  let gatewayDb: TempSqlite;
  let routesDir: string;
  let apiDb: TempSqlite;
  let legacyDb: TempSqlite;
  let cookie: string;
  let xsrf: string;
  let gatewayCookie: string;
  let gatewayXsrf: string;

  beforeAll(async () => {
    legacyDb = tempSqlite();
    apiDb = tempSqlite();
    gatewayDb = tempSqlite();
    nats = await startNatsServer();
    legacy = await startLegacyApp({ databaseUrl: legacyDb.url, env: { APP_DEBUG: 'false', PHP_CLI_SERVER_WORKERS: '4' } });
    const seed = new Database(legacyDb.file);
    seed.prepare('UPDATE products SET stock = 1000000').run();
    seed.close();
    // The api's copy, taken before either side changed anything (WAL folded in first).
    const checkpoint = new Database(legacyDb.file);
    checkpoint.pragma('wal_checkpoint(TRUNCATE)');
    checkpoint.close();
    copyFileSync(legacyDb.file, apiDb.file);
    api = await startService({
      app: 'api',
      env: { DATABASE_URL: apiDb.url, NATS_URL: nats.url, IDENTITY_TOKEN_SECRET: SECRET, API_RATE_LIMIT: '1000000', LOG_LEVEL: 'error' },
    });
    routesDir = mkdtempSync(join(tmpdir(), 'offramp-properties-routes-'));
    writeFileSync(join(routesDir, 'routes.yaml'), ROUTES);
    gateway = await startService({
      app: 'gateway',
      adminPortVariable: 'GATEWAY_ADMIN_PORT',
      env: {
        NATS_URL: nats.url,
        LEGACY_URL: legacy.url,
        DATABASE_URL: gatewayDb.url,
        GATEWAY_ROUTES_FILE: join(routesDir, 'routes.yaml'),
        GATEWAY_ROUTES_BUCKET: 'properties_routes',
        GATEWAY_SERVICES: `api=${api.url}`,
        GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN,
        IDENTITY_TOKEN_SECRET: SECRET,
        APP_KEY: legacy.appKey,
        SESSION_FILES: `${legacy.storagePath}/framework/sessions`,
        LOG_LEVEL: 'error',
      },
    });
    await waitUntil(
      async () => {
        const response = await fetch(`${gateway.adminUrl}/_offramp/admin/routes`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
        return response.ok && ((await response.json()) as { loaded?: boolean }).loaded === true;
      },
      { timeoutMs: 20_000, description: 'route table loaded' },
    );
    // Two browser sessions of the same customer: one for the monolith, one the gateway turns into
    // the slice's identity. One shared session gave spurious 419s from the gateway while the
    // cases ran on both sides at once (the monolith rewrites its session file on every request
    // while the gateway may be reading it; left to the gateway's session reader, see the report).
    cookie = await legacy.login('customer@example.test');
    xsrf = decodeURIComponent(/(?:^|; )XSRF-TOKEN=([^;]+)/.exec(cookie)?.[1] ?? '');
    gatewayCookie = await legacy.login('customer@example.test');
    gatewayXsrf = decodeURIComponent(/(?:^|; )XSRF-TOKEN=([^;]+)/.exec(gatewayCookie)?.[1] ?? '');
  }, 180_000);

  afterAll(async () => {
    await gateway?.stop('SIGTERM');
    await api?.stop('SIGTERM');
    await legacy?.close();
    await nats?.stop();
    if (routesDir) rmSync(routesDir, { recursive: true, force: true });
    gatewayDb?.remove();
    apiDb?.remove();
    legacyDb?.remove();
  });

  const orders = (db: TempSqlite) => {
    const sqlite = new Database(db.file, { readonly: true });
    const { n } = sqlite.prepare('SELECT COUNT(*) AS n FROM orders').get() as { n: number };
    sqlite.close();
    return n;
  };

  const send = async (base: string, headers: Record<string, string>, request: Case): Promise<Answer> => {
    const response = await fetch(`${base}${request.path}`, {
      method: request.method,
      headers: { accept: 'application/json', ...headers, ...(request.contentType ? { 'content-type': request.contentType } : {}) },
      body: request.body,
      signal: AbortSignal.timeout(30_000),
    });
    return { status: response.status, body: await response.text(), backend: response.headers.get('x-offramp-backend') };
  };

  it(
    `gives the monolith's status and body for ${RUNS} generated requests, never a 5xx of its own, and changes nothing the monolith refused`,
    async () => {
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(anyCase, async (request) => {
          const legacyBefore = orders(legacyDb);
          const apiBefore = orders(apiDb);
          // Both sides at once (each on its own data): the run stays within its budget.
          const [fromLegacy, fromApi] = await Promise.all([
            send(legacy.url, { cookie, 'x-xsrf-token': xsrf }, request),
            send(gateway.url, { cookie: gatewayCookie, 'x-xsrf-token': gatewayXsrf }, request),
          ]);
          expect(fromApi.backend).toBe(fromApi.status === 419 ? 'gateway' : 'api');
          statuses.set(fromLegacy.status, (statuses.get(fromLegacy.status) ?? 0) + 1);
          expect(fromApi.status).toBeLessThan(500);
          expect({ status: fromApi.status, body: comparable(fromApi.body) }).toEqual({ status: fromLegacy.status, body: comparable(fromLegacy.body) });
          expect(orders(apiDb) - apiBefore).toBe(orders(legacyDb) - legacyBefore);
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
      console.log(`${RUNS} cases (seed ${SEED}), the monolith's statuses: ${JSON.stringify(Object.fromEntries(statuses))}`);
      // The generators reach every class of answer, or the property proves little.
      for (const status of [200, 201, 404, 422]) expect(statuses.get(status) ?? 0).toBeGreaterThan(0);
    },
    Math.max(600_000, RUNS * 400),
  );

  it.each(DELIBERATE)('documented difference: $name', async ({ cases, legacyStatus, sliceStatus }) => {
    await fc.assert(
      fc.asyncProperty(cases, async (request) => {
        const fromLegacy = await send(legacy.url, { cookie, 'x-xsrf-token': xsrf }, request);
        const fromApi = await send(gateway.url, { cookie: gatewayCookie, 'x-xsrf-token': gatewayXsrf }, request);
        expect({ legacy: fromLegacy.status, slice: fromApi.status, backend: fromApi.backend }).toEqual({
          legacy: legacyStatus,
          slice: sliceStatus,
          backend: 'api',
        });
      }),
      { numRuns: 5, seed: SEED },
    );
  });
});
