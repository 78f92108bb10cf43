// The report row of bench:pipelines: GET /reports/sales.csv on the seeded orders (shop:seed, 20k by
// default as bench:api), the monolith as production runs it (bench:api's php-fpm + nginx, OPcache,
// config and route caches) against pipelines serving it from its daily aggregate (rebuilt first).
// Both on a scratch MariaDB database (BENCH_REPORT_DATABASE: mariadb, postgres or sqlite): the
// monolith's migration declares order_items.order_id a foreign key without an index, which InnoDB
// indexes and SQLite does not; on SQLite its per-order items subquery scans the whole items table
// (about 13 s per 1,000-order chunk here), so one unbounded report takes minutes and no request
// finishes inside a timed run.
// Each side is asked directly with what it needs: the monolith the admin's Laravel session cookie
// (a real login), pipelines the identity token the gateway would sign for that admin; the gateway
// hop is left out of both, so the ratio is the report's own.
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { IDENTITY_HEADER, IdentityTokenSigner, identityKeysFromConfig } from '@offramp/platform';
import { legacyLogin, scratchDatabase, seededRandom, startNatsServer, startService, workspaceRoot, type ScratchDatabaseKind } from '@offramp/testing';
import { capture } from '../api/compare-responses.js';
import { artisan, checkOpcache, LEGACY_PRODUCTION_PACKAGES, legacyDeployment, startLegacyServer } from '../api/legacy-production.js';
import { ensureDebianPackages } from '../debian-packages.js';
import { loadRequestList, type LoadResult } from '../load.js';
import { RssPeaks } from '../rss.js';

export const REPORT_CONNECTIONS = 16;
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const WARMUP_SECONDS = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 3);
const REQUESTS = 500;
const DATABASE_KINDS: ScratchDatabaseKind[] = ['mariadb', 'postgres', 'sqlite'];
const DATABASE = (process.env['BENCH_REPORT_DATABASE'] ?? 'mariadb') as ScratchDatabaseKind;
const REQUEST_SEED = 20_261_202;
const IDENTITY_SECRET = 'bench-pipelines-identity-secret-0123456789';
/** The seeder's admin (apps/legacy/database/seeders/DatabaseSeeder.php: id 1). */
const ADMIN = { id: '1', email: 'admin@example.test' };

export interface ReportRow {
  orders: string;
  database: ScratchDatabaseKind;
  legacy: LoadResult;
  pipelines: LoadResult;
  /** RSS of each side's process trees (MB): before its warm-up, and the highest sample while it was timed. */
  rss: { idle: Record<string, number>; peak: Record<string, number> };
}

/** The row's services in bench:pipelines' memory table: the monolith is nginx and php-fpm with their workers. */
export const REPORT_SERVICES = { legacy: ['legacy_report_nginx', 'legacy_report_php_fpm'], pipelines: ['pipelines_report'] } as const;

/** The same from/to list for both: ranges over the seeded year, and the edges (unbounded, one day, empty). */
function reportPaths(count: number): string[] {
  const random = seededRandom(REQUEST_SEED);
  const day = () => new Date(Date.UTC(2025, 0, 1) + random.int(0, 400) * 86_400_000).toISOString().slice(0, 10);
  const edges = ['', '?from=2025-05-05&to=2025-05-05', '?from=2025-07-02&to=2025-06-30', '?from=2025-03-01', '?to=2025-02-14'];
  return [...edges, ...Array.from({ length: count - edges.length }, () => `?from=${day()}&to=${day()}`)].map((query) => `/reports/sales.csv${query}`);
}

export async function measureSalesReport(folder: string, log: (line: string) => void, cleanups: Array<() => Promise<unknown> | unknown>): Promise<ReportRow> {
  ensureDebianPackages(LEGACY_PRODUCTION_PACKAGES, log);
  checkOpcache();
  const cores = availableParallelism();
  if (!DATABASE_KINDS.includes(DATABASE)) throw new Error(`BENCH_REPORT_DATABASE: expected one of ${DATABASE_KINDS.join(', ')} (got ${DATABASE})`);
  const database = await scratchDatabase(DATABASE, 'offramp_bench_report');
  cleanups.push(() => database.drop());
  const databaseUrl = database.url;
  const deployment = legacyDeployment(join(folder, 'report'), databaseUrl);
  log('report: seeding (php artisan migrate + shop:seed, SEED_ORDERS or 20k orders) and building the config and route caches…');
  await artisan(deployment, ['migrate', '--force']);
  const seeded = await artisan(deployment, ['shop:seed']);
  log(`report: ${seeded}`);
  await artisan(deployment, ['config:cache']);
  await artisan(deployment, ['route:cache']);
  const legacy = await startLegacyServer(deployment, join(folder, 'report'), cores);
  cleanups.push(() => legacy.stop());

  const nats = await startNatsServer();
  cleanups.push(() => nats.stop());
  const run = promisify(execFile);
  const pipelinesDist = join(workspaceRoot(), 'apps/pipelines/dist');
  const env = { ...(process.env as Record<string, string>), DATABASE_URL: databaseUrl };
  // the migrate Job's order: the slice's tables, the aggregate filled from the orders, then the service
  await run(process.execPath, [join(pipelinesDist, 'migrate.js')], { env });
  log(`report: ${(await run(process.execPath, [join(pipelinesDist, 'sales-report/rebuild-sales.main.js')], { env })).stdout.trim()}`);
  const pipelines = await startService({
    app: 'pipelines',
    timeoutMs: 60_000,
    env: {
      DATABASE_URL: databaseUrl,
      NATS_URL: nats.url,
      QUEUE_BRIDGE_ENABLED: 'false',
      SALES_REPORT_HTTP_ENABLED: 'true',
      IDENTITY_TOKEN_SECRET: IDENTITY_SECRET,
      LOG_LEVEL: 'warn',
    },
  });
  cleanups.push(() => pipelines.stop('SIGTERM', 10_000));

  const cookie = await legacyLogin(legacy.url, ADMIN.email);
  const keys = identityKeysFromConfig({ IDENTITY_TOKEN_ALG: 'HS256', IDENTITY_TOKEN_SECRET: IDENTITY_SECRET, IDENTITY_TOKEN_TTL_S: 3_600 }, 'sign');
  const token = await new IdentityTokenSigner(keys).sign(
    { userId: ADMIN.id, email: ADMIN.email, roles: [], source: 'laravel-session' },
    { audience: 'pipelines', csrfVerified: false },
  );
  const headers = { legacy: { cookie }, pipelines: { [IDENTITY_HEADER]: token } };
  const base = { legacy: legacy.url, pipelines: pipelines.url };

  log(`report: legacy (nginx + php-fpm x${cores}) on ${legacy.url}, pipelines on ${pipelines.url}`);
  const paths = reportPaths(REQUESTS);
  log(`report: checking all ${paths.length} answers byte-equal (200, Content-Type, body) before timing…`);
  for (const path of paths) {
    const [monolith, slice] = await Promise.all([capture(base.legacy, path, headers.legacy), capture(base.pipelines, path, headers.pipelines)]);
    if (monolith.status !== 200 || slice.status !== 200 || monolith.contentType !== slice.contentType || monolith.body !== slice.body)
      throw new Error(
        `report: ${path} differs: legacy ${monolith.status} ${monolith.contentType} (${monolith.body.length} chars), pipelines ${slice.status} ${slice.contentType} (${slice.body.length} chars): ${slice.body.slice(0, 200)}`,
      );
  }
  const load = (side: 'legacy' | 'pipelines', seconds: number) =>
    loadRequestList({
      baseUrl: base[side],
      paths,
      connections: REPORT_CONNECTIONS,
      seconds,
      headers: headers[side],
      listFile: join(folder, `report-${side}-requests.json`),
    });
  const results: Partial<Record<'legacy' | 'pipelines', LoadResult>> = {};
  const pids = { legacy: [legacy.nginx.pid, legacy.phpFpm.pid], pipelines: [pipelines.pid] };
  const rss: ReportRow['rss'] = { idle: {}, peak: {} };
  for (const side of ['legacy', 'pipelines'] as const) {
    const sampler = new RssPeaks(Object.fromEntries(REPORT_SERVICES[side].map((name, i) => [name, pids[side][i]])));
    Object.assign(rss.idle, sampler.now());
    await load(side, WARMUP_SECONDS);
    sampler.start();
    const result = await load(side, SECONDS);
    Object.assign(rss.peak, sampler.stop());
    if (result.errors + result.non2xx > 0) throw new Error(`report: ${side} had ${result.errors} errors and ${result.non2xx} non-2xx answers under load`);
    results[side] = result;
    log(`report: ${side} ${result.rps} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms`);
  }
  for (let i = 0; i < 4; i += 1) await cleanups.pop()?.();
  return { orders: seeded, database: DATABASE, legacy: results.legacy as LoadResult, pipelines: results.pipelines as LoadResult, rss };
}
