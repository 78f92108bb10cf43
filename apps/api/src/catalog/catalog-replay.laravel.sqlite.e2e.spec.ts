import { request } from 'node:http';
// @ts-expect-error better-sqlite3 ships no types; the test only reads two tables.
import Database from 'better-sqlite3';
import {
  seededRandom,
  startLegacyApp,
  startNatsServer,
  startService,
  tempSqlite,
  type LegacyApp,
  type NatsServerHandle,
  type ServiceProcess,
  type TempSqlite,
} from '@offramp/testing';

/**
 * 1,000 catalog requests drawn from the seeded data, sent to the real monolith (php -S, APP_DEBUG
 * off) and to the api on the same SQLite file: every answer must be byte-equal in status, body,
 * Content-Type and Cache-Control.
 *
 * Ignored, and why: Set-Cookie (the monolith's `web` middleware opens a session on every request;
 * sessions stay the monolith's, the gateway bridges them), Date, X-Powered-By, Connection, Host
 * and x-request-id (transport, not content). No body field is ignored.
 */
const REQUESTS = 1_000;
const SECRET = 'replay-test-secret-0123456789abcdef';

interface Replay {
  path: string;
  headers: Record<string, string>;
}

interface SqliteReader {
  prepare(sql: string): { all(): unknown[] };
  close(): void;
}

function drawRequests(db: SqliteReader): Replay[] {
  const products = db.prepare('SELECT id, name, sku FROM products ORDER BY id').all() as Array<{ id: number; name: string; sku: string }>;
  const slugs = (db.prepare('SELECT slug FROM categories').all() as Array<{ slug: string }>).map((c) => c.slug);
  const words = [...new Set(products.flatMap((p) => p.name.split(' ')))];
  const maxId = products[products.length - 1].id;
  const r = seededRandom(20261124);
  const enc = encodeURIComponent;

  const search = (): string => {
    const word = r.pick(words);
    return r.pick([
      word,
      word.toLowerCase(),
      word.toUpperCase(),
      word.slice(1, 4),
      ` ${word} `,
      r.pick(products).name,
      r.pick(products).sku.slice(4),
      r.pick(products).sku.toLowerCase(),
      '100%',
      'a_b',
      'x!y',
      'zzz-no-match',
      `${word} ${r.pick(words)}`,
    ]);
  };
  const list = (): string => {
    const params: string[] = [];
    if (r.next() < 0.5) params.push(`q=${r.next() < 0.2 ? search().replace(/ /g, '+') : enc(search())}`);
    if (r.next() < 0.35) params.push(`category=${r.next() < 0.9 ? r.pick(slugs) : 'no-such-category'}`);
    if (r.next() < 0.6) params.push(`sort=${r.pick(['price', '-price', 'name', '-name', 'popularity'])}`);
    if (r.next() < 0.5) params.push(`per_page=${r.pick(['1', '5', '10', '15', '25', '50', '100', '101', '5000', String(r.int(2, 60))])}`);
    if (r.next() < 0.6) params.push(`page=${r.pick(['1', '2', '3', String(r.int(1, 40)), String(r.int(1, 600)), '9999'])}`);
    if (r.next() < 0.1) params.push(r.pick(['utm_source=news', 'ref=a%2Fb', 'tags[]=x&tags[]=y', 'empty=', 'flag']));
    if (r.next() < 0.08) params.push(`q=${r.pick(['', '%20%20'])}`);
    for (let i = params.length - 1; i > 0; i--) {
      const j = r.int(0, i);
      [params[i], params[j]] = [params[j], params[i]];
    }
    return `/api/products${params.length ? `?${params.join('&')}` : ''}`;
  };
  const invalid = (): string =>
    `/api/products?${r.pick([
      'sort=price;drop',
      'sort=PRICE',
      'page=0',
      'page=-1',
      'page=abc',
      'page=1.5',
      'per_page=0',
      'per_page=x',
      `q=${'a'.repeat(101)}`,
      'q[]=lamp',
      'category[a]=books',
      'page=abc&per_page=0&sort=x',
      'sort[]=price',
    ])}`;
  const detail = (): string =>
    `/api/products/${r.pick([
      String(r.int(1, maxId)),
      String(r.int(1, maxId)),
      String(r.int(1, maxId)),
      String(maxId + r.int(1, 1000)),
      '0',
      `00${r.int(1, 9)}`,
      'abc',
      '12abc',
    ])}`;
  const hosts: Array<Record<string, string>> = [
    { host: 'shop.test' },
    { host: 'shop.test:8080' },
    { host: 'SHOP.example.com' },
    { host: 'shop.test', 'x-forwarded-host': 'www.shop.example', 'x-forwarded-proto': 'https', 'x-forwarded-port': '443' },
    { host: 'shop.test', 'x-forwarded-proto': 'https' },
  ];

  return Array.from({ length: REQUESTS }, () => {
    const roll = r.next();
    const path = roll < 0.55 ? list() : roll < 0.9 ? detail() : invalid();
    const headers: Record<string, string> = { ...r.pick(hosts), accept: r.pick(['application/json', '*/*', 'text/html']) };
    return { path, headers };
  });
}

/** node:http, not fetch: fetch does not let a client choose the Host header. */
function answer(baseUrl: string, replay: Replay): Promise<{ status: number; contentType: string; cacheControl: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(baseUrl + replay.path, { headers: replay.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type']),
          cacheControl: String(res.headers['cache-control']),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('catalog replay: the api answers exactly as the monolith (real Laravel over php -S, SQLite)', () => {
  let db: TempSqlite;
  let nats: NatsServerHandle;
  let legacy: LegacyApp;
  let api: ServiceProcess;

  beforeAll(async () => {
    db = tempSqlite();
    nats = await startNatsServer();
    // APP_DEBUG off, as production answers; bin/serve's default data set (500 products).
    legacy = await startLegacyApp({ databaseUrl: db.url, env: { APP_DEBUG: 'false', SEED_PRODUCTS: '500', SEED_USERS: '50', SEED_ORDERS: '300' } });
    api = await startService({ app: 'api', env: { DATABASE_URL: db.url, NATS_URL: nats.url, IDENTITY_TOKEN_SECRET: SECRET, LOG_LEVEL: 'warn' } });
  }, 180_000);

  afterAll(async () => {
    await api?.stop('SIGTERM');
    await legacy?.close();
    await nats?.stop();
    db?.remove();
  });

  it(`answers ${REQUESTS} varied catalog requests byte for byte like Laravel`, async () => {
    const sqlite = new Database(db.file, { readonly: true }) as SqliteReader;
    const replays = drawRequests(sqlite);
    sqlite.close();
    expect(new Set(replays.map((r) => r.path)).size).toBeGreaterThan(600);

    const mismatches: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < replays.length) {
        const replay = replays[next++];
        const [fromLegacy, fromApi] = await Promise.all([answer(legacy.url, replay), answer(api.url, replay)]);
        statuses.set(fromLegacy.status, (statuses.get(fromLegacy.status) ?? 0) + 1);
        if (JSON.stringify(fromLegacy) !== JSON.stringify(fromApi) && mismatches.length < 5) {
          mismatches.push(
            `${replay.path} ${JSON.stringify(replay.headers)}\n  legacy: ${JSON.stringify(fromLegacy).slice(0, 800)}\n  api:    ${JSON.stringify(fromApi).slice(0, 800)}`,
          );
        }
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));

    expect(mismatches).toEqual([]);
    // The replay covers answers, not-found and validation errors.
    expect(statuses.get(200)).toBeGreaterThan(600);
    expect(statuses.get(404)).toBeGreaterThan(20);
    expect(statuses.get(422)).toBeGreaterThan(20);
  }, 300_000);
});
