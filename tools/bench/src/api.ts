// npm run bench:api — the catalog (list with search and pages, detail) of the monolith as production
// runs it (nginx + php-fpm, OPcache, Laravel caches) against the api slice, on one seeded SQLite
// file, the same request lists, 64 connections. Last line: one JSON object.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { startNatsServer, startService, tempDir, type NatsServerHandle, type ServiceProcess } from '@offramp/testing';
import { readCatalog } from './api/catalog-snapshot.js';
import { expectSameAnswers } from './api/compare-responses.js';
import { artisan, checkOpcache, LEGACY_PRODUCTION_PACKAGES, legacyDeployment, startLegacyServer, type LegacyServer } from './api/legacy-production.js';
import { catalogListPaths, productDetailPaths } from './api/request-list.js';
import { ensureDebianPackages } from './debian-packages.js';
import { loadRequestList, runningLoadGenerators, type LoadResult } from './load.js';
import { median, table } from './stats.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const WARMUP_SECONDS = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 3);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 1);
const CONNECTIONS = 64;
const LIST_REQUESTS = 2_000;
const DETAIL_REQUESTS = 5_000;
const SAMPLE = 60;
const REQUEST_SEED = 20_261_124;
const GOAL = 3;
/** Both sides see the same Host, so the paginator's URLs (built from it) are the same. */
const HEADERS = { host: 'shop.test', accept: 'application/json' };

const KINDS = ['list', 'detail'] as const;
type Side = 'legacy' | 'api';
type Kind = (typeof KINDS)[number];
type Key = `${Side}_${Kind}`;
const KEYS: Key[] = ['legacy_list', 'api_list', 'legacy_detail', 'api_detail'];

const log = (line: string) => process.stderr.write(`bench:api: ${line}\n`);

/** Everything started, stopped in reverse order at the end, on an error and on Ctrl-C. */
const cleanups: Array<() => Promise<unknown> | unknown> = [];
let cleaning: Promise<void> | undefined;
let interrupted = false;
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const child of runningLoadGenerators) if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    for (let step = cleanups.pop(); step; step = cleanups.pop()) {
      try {
        await step();
      } catch (error) {
        log(`clean-up: ${(error as Error).message}`);
      }
    }
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    log(`${signal}: stopping everything this benchmark started`);
    void cleanUp().finally(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  ensureDebianPackages(LEGACY_PRODUCTION_PACKAGES, log);
  checkOpcache();
  const cores = availableParallelism();
  const work = tempDir('offramp-bench-api-');
  cleanups.push(() => work.remove());
  const databaseFile = join(work.path, 'shop.sqlite');
  const databaseUrl = `sqlite://${databaseFile}`;
  const deployment = legacyDeployment(work.path, databaseUrl);

  log(`seeding ${databaseFile} (php artisan migrate + shop:seed, SEED_PRODUCTS/SEED_USERS/SEED_ORDERS or 10k/1k/20k)…`);
  await artisan(deployment, ['migrate', '--force']);
  log(await artisan(deployment, ['shop:seed']));
  log("building Laravel's config and route caches (temp bootstrap cache)…");
  await artisan(deployment, ['config:cache']);
  await artisan(deployment, ['route:cache']);

  log(`starting the monolith: php-fpm (pm = static, ${cores} workers, OPcache) behind nginx (${cores} workers)…`);
  const legacy: LegacyServer = await startLegacyServer(deployment, work.path, cores);
  cleanups.push(() => legacy.stop());
  log(`legacy on ${legacy.url} (nginx pid ${legacy.nginx.pid}, php-fpm pid ${legacy.phpFpm.pid})`);

  const nats: NatsServerHandle = await startNatsServer();
  cleanups.push(() => nats.stop());
  log('starting the api slice (apps/api/dist/main.js)…');
  const api: ServiceProcess = await startService({
    app: 'api',
    env: { DATABASE_URL: databaseUrl, NATS_URL: nats.url, IDENTITY_TOKEN_SECRET: 'bench-identity-secret-0123456789abcdef', LOG_LEVEL: 'warn' },
    timeoutMs: 60_000,
  });
  cleanups.push(() => api.stop('SIGTERM', 10_000));
  log(`api on ${api.url} (pid ${api.pid})`);

  const catalog = readCatalog(databaseFile);
  const paths = {
    list: catalogListPaths(catalog, LIST_REQUESTS, REQUEST_SEED),
    detail: productDetailPaths(catalog, DETAIL_REQUESTS, REQUEST_SEED),
  };
  log(
    `request lists: ${paths.list.length} list URLs (e.g. ${paths.list.slice(0, 3).join(', ')}), ${paths.detail.length} detail URLs of ${catalog.products.length} products`,
  );
  const every = (list: string[]) => list.filter((_, i) => i % Math.ceil(list.length / SAMPLE) === 0);
  log(`checking ${SAMPLE} list and ${SAMPLE} detail answers: 200 and the same on both sides…`);
  await expectSameAnswers(legacy.url, api.url, [...every(paths.list), ...every(paths.detail)], HEADERS);

  const base: Record<Side, string> = { legacy: legacy.url, api: api.url };
  const run = (key: Key, seconds: number) => {
    const [side, kind] = key.split('_') as [Side, Kind];
    return loadRequestList({
      baseUrl: base[side],
      paths: paths[kind],
      connections: CONNECTIONS,
      seconds,
      headers: HEADERS,
      listFile: join(work.path, `${kind}-requests.json`),
    });
  };
  for (const key of KEYS) {
    log(`${key}: warm-up ${WARMUP_SECONDS} s`);
    await run(key, WARMUP_SECONDS);
  }
  // Rounds interleave the four runs so that the machine's load (2 shared cores) drifts over all
  // alike; with several rounds each figure is the median of its rounds.
  const rounds: Record<Key, LoadResult[]> = { legacy_list: [], api_list: [], legacy_detail: [], api_detail: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const key of KEYS) {
      const result = await run(key, SECONDS);
      rounds[key].push(result);
      log(
        `round ${round}/${ROUNDS} ${key}: ${result.rps} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms${result.errors + result.non2xx ? `, ${result.errors} errors, ${result.non2xx} non-2xx` : ''}`,
      );
    }
  }
  const results = Object.fromEntries(
    KEYS.map((key) => {
      const r = rounds[key];
      const sum = (pick: (x: LoadResult) => number) => r.reduce((total, x) => total + pick(x), 0);
      return [
        key,
        {
          rps: median(r.map((x) => x.rps)),
          p50: median(r.map((x) => x.p50)),
          p99: median(r.map((x) => x.p99)),
          errors: sum((x) => x.errors),
          non2xx: sum((x) => x.non2xx),
        },
      ];
    }),
  ) as Record<Key, LoadResult>;
  await cleanUp();
  report(results, cores);
}

function report(results: Record<Key, LoadResult>, cores: number): void {
  const ratio = (kind: Kind) => results[`api_${kind}`].rps / results[`legacy_${kind}`].rps;
  const rows = [['request', 'server', 'req/s', 'p50 ms', 'p99 ms', 'errors+non-2xx', 'api/legacy req/s']];
  for (const key of KEYS) {
    const [side, kind] = key.split('_') as [Side, Kind];
    const r = results[key];
    rows.push([
      kind,
      side === 'legacy' ? 'legacy (nginx + php-fpm)' : 'api',
      String(r.rps),
      String(r.p50),
      String(r.p99),
      String(r.errors + r.non2xx),
      side === 'api' ? `${ratio(kind).toFixed(2)}×` : '',
    ]);
  }
  const lines = [
    table(rows),
    '',
    ...KINDS.map((kind) => `${kind}: api/legacy req/s ${ratio(kind).toFixed(2)} (goal ≥ ${GOAL}) ${ratio(kind) >= GOAL ? 'met' : 'NOT met'}`),
    `(${CONNECTIONS} connections, ${SECONDS} s per run after ${WARMUP_SECONDS} s warm-up${ROUNDS > 1 ? `, medians of ${ROUNDS} interleaved rounds` : ''}; php-fpm ${cores} static workers; ${cores} cores shared by load generator, servers and whatever else runs on the machine)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const pick = (value: (r: LoadResult) => number) => Object.fromEntries(KEYS.map((key) => [key, value(results[key])]));
  process.stdout.write(`${JSON.stringify({ bench: 'api', rps: pick((r) => r.rps), p99_ms: pick((r) => r.p99) })}\n`);
}

try {
  await main();
} catch (error) {
  // After Ctrl-C the load generator's death is expected; the signal handler exits.
  if (!interrupted) log(`failed: ${(error as Error).message}`);
  await cleanUp();
  process.exit(interrupted ? 130 : 1);
}
