// npm run bench:api — the catalog (list with search and pages, detail) of the monolith as production
// runs it (nginx + php-fpm, OPcache, Laravel caches) against the api slice, on one database seeded
// alike per engine (SQLite, MariaDB, PostgreSQL: BENCH_API_ENGINES), the same request lists, 64
// connections. Last line: one JSON object.
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { scratchDatabase, startNatsServer, startService, tempDir, type NatsServerHandle, type ServiceProcess } from '@offramp/testing';
import { catalogDifference, readCatalogAt } from './api/catalog-snapshot.js';
import { expectSameAnswers } from './api/compare-responses.js';
import { engineSuffix, ENGINE_TITLES, ENGINES_VARIABLE, parseEngines, type Engine } from './api/engines.js';
import { artisan, checkOpcache, LEGACY_PRODUCTION_PACKAGES, legacyDeployment, startLegacyServer, type LegacyServer } from './api/legacy-production.js';
import { catalogListPaths, productDetailPaths, type CatalogSnapshot } from './api/request-list.js';
import { Cleanups, runBench } from './bench-run.js';
import { ensureDebianPackages } from './debian-packages.js';
import { loadRequestList, type LoadResult } from './load.js';
import { RssPeaks, rssFigures, rssTableRows, type RssFigures } from './rss.js';
import { median, table } from './stats.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const WARMUP_SECONDS = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 3);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 1);
const CONNECTIONS = 64;
const LIST_REQUESTS = 2_000;
const DETAIL_REQUESTS = 5_000;
const SAMPLE = 60;
const REQUEST_SEED = 20_261_124;
/** Issue 16: the catalog list and detail at ten times the monolith. */
const GOAL = 10;
/** Both sides see the same Host, so the paginator's URLs (built from it) are the same. */
const HEADERS = { host: 'shop.test', accept: 'application/json' };

const KINDS = ['list', 'detail'] as const;
type Side = 'legacy' | 'api';
type Kind = (typeof KINDS)[number];
type Key = `${Side}_${Kind}`;
const KEYS: Key[] = ['legacy_list', 'api_list', 'legacy_detail', 'api_detail'];

const log = (line: string) => process.stderr.write(`bench:api: ${line}\n`);
const cleanups = new Cleanups(log);

interface EngineRun {
  results: Record<Key, LoadResult>;
  /** `api` and `legacy` (nginx + php-fpm) on SQLite, `api_mariadb`, `legacy_mariadb`… on the others. */
  memory: RssFigures;
  /** How the request lists were drawn: from this engine's catalog, and whether it equals SQLite's. */
  catalogNote: string;
}

async function main(): Promise<void> {
  const engines = parseEngines(process.env[ENGINES_VARIABLE]);
  ensureDebianPackages(LEGACY_PRODUCTION_PACKAGES, log);
  checkOpcache();
  const cores = availableParallelism();
  const work = tempDir('offramp-bench-api-');
  cleanups.push(() => work.remove());
  log(`engines: ${engines.join(', ')} (${ENGINES_VARIABLE})`);
  const runs: Partial<Record<Engine, EngineRun>> = {};
  let reference: CatalogSnapshot | undefined;
  for (const engine of engines) {
    const run = await benchEngine(engine, join(work.path, engine), cores, reference);
    runs[engine] = run.run;
    reference ??= engine === 'sqlite' ? run.catalog : undefined;
  }
  await cleanups.run();
  report(engines, runs, cores);
}

/**
 * One engine: a fresh database, migrated and seeded by artisan, the monolith and the api slice on
 * it, the answer check, the four loads; then both stopped and the database dropped (also on an
 * error or Ctrl-C: the engine's clean-ups are a step of the bench's).
 */
async function benchEngine(
  engine: Engine,
  folder: string,
  cores: number,
  sqliteCatalog: CatalogSnapshot | undefined,
): Promise<{ run: EngineRun; catalog: CatalogSnapshot }> {
  const title = ENGINE_TITLES[engine];
  const say = (line: string) => log(`${title}: ${line}`);
  const scope = new Cleanups(log);
  cleanups.push(() => scope.run());
  try {
    mkdirSync(folder, { recursive: true });
    let databaseUrl: string;
    let databaseFile: string | undefined;
    if (engine === 'sqlite') {
      databaseFile = join(folder, 'shop.sqlite');
      databaseUrl = `sqlite://${databaseFile}`;
    } else {
      const database = await scratchDatabase(engine, `offramp_bench_api_${process.pid}`);
      const name = new URL(database.url).pathname.slice(1);
      scope.push(async () => {
        await database.drop();
        say(`dropped database ${name}`);
      });
      databaseUrl = database.url;
      say(`created database ${name} (${databaseUrl})`);
    }
    const deployment = legacyDeployment(folder, databaseUrl);

    say(`seeding ${databaseFile ?? 'it'} (php artisan migrate + shop:seed, SEED_PRODUCTS/SEED_USERS/SEED_ORDERS or 10k/1k/20k)…`);
    await artisan(deployment, ['migrate', '--force']);
    say(await artisan(deployment, ['shop:seed']));
    say("building Laravel's config and route caches (temp bootstrap cache)…");
    await artisan(deployment, ['config:cache']);
    await artisan(deployment, ['route:cache']);

    say(`starting the monolith: php-fpm (pm = static, ${cores} workers, OPcache) behind nginx (${cores} workers)…`);
    const legacy: LegacyServer = await startLegacyServer(deployment, folder, cores);
    scope.push(() => legacy.stop());
    say(`legacy on ${legacy.url} (nginx pid ${legacy.nginx.pid}, php-fpm pid ${legacy.phpFpm.pid})`);

    const nats: NatsServerHandle = await startNatsServer();
    scope.push(() => nats.stop());
    say('starting the api slice (apps/api/dist/main.js)…');
    const api: ServiceProcess = await startService({
      app: 'api',
      env: {
        DATABASE_URL: databaseUrl,
        NATS_URL: nats.url,
        IDENTITY_TOKEN_SECRET: 'bench-identity-secret-0123456789abcdef',
        LOG_LEVEL: 'warn',
        // As many processes as php-fpm has workers.
        API_WORKERS: String(apiWorkers(cores)),
      },
      timeoutMs: 60_000,
    });
    scope.push(() => api.stop('SIGTERM', 10_000));
    say(`api on ${api.url} (pid ${api.pid}, ${apiWorkers(cores)} workers)`);

    // Each engine's own catalog; seed 42 makes them the same, which is checked against SQLite's when it ran first.
    const catalog = await readCatalogAt(databaseUrl);
    let catalogNote = `drawn from ${title}'s seeded catalog (${catalog.products.length} products)`;
    if (engine !== 'sqlite' && sqliteCatalog) {
      const difference = catalogDifference(sqliteCatalog, catalog);
      catalogNote += difference
        ? `, NOT the same as SQLite's: ${difference}`
        : ", the same ids, names, SKUs and categories as SQLite's: the same request lists";
    }
    say(`request lists ${catalogNote}`);
    const paths = {
      list: catalogListPaths(catalog, LIST_REQUESTS, REQUEST_SEED),
      detail: productDetailPaths(catalog, DETAIL_REQUESTS, REQUEST_SEED),
    };
    say(`request lists: ${paths.list.length} list URLs (e.g. ${paths.list.slice(0, 3).join(', ')}), ${paths.detail.length} detail URLs`);
    const every = (list: string[]) => list.filter((_, i) => i % Math.ceil(list.length / SAMPLE) === 0);
    say(`checking ${SAMPLE} list and ${SAMPLE} detail answers: 200 and the same on both sides…`);
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
        listFile: join(folder, `${kind}-requests.json`),
      });
    };
    for (const key of KEYS) {
      say(`${key}: warm-up ${WARMUP_SECONDS} s`);
      await run(key, WARMUP_SECONDS);
    }
    // The monolith is two process trees (nginx, php-fpm), summed at each sample.
    const suffix = engineSuffix(engine);
    const services = new RssPeaks({ [`api${suffix}`]: [api.pid], [`legacy${suffix}`]: [legacy.nginx.pid, legacy.phpFpm.pid] });
    const idle = services.now();
    services.start();
    // Rounds interleave the four runs so that the machine's load (2 shared cores) drifts over all
    // alike; with several rounds each figure is the median of its rounds.
    const rounds: Record<Key, LoadResult[]> = { legacy_list: [], api_list: [], legacy_detail: [], api_detail: [] };
    for (let round = 1; round <= ROUNDS; round++) {
      for (const key of KEYS) {
        const result = await run(key, SECONDS);
        rounds[key].push(result);
        say(
          `round ${round}/${ROUNDS} ${key}: ${result.rps} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms${result.errors + result.non2xx ? `, ${result.errors} errors, ${result.non2xx} non-2xx` : ''}`,
        );
      }
    }
    const memory = rssFigures(idle, services.stop());
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
    say('stopping the api slice and the monolith');
    return { run: { results, memory, catalogNote }, catalog };
  } finally {
    await scope.run();
  }
}

function report(engines: Engine[], runs: Partial<Record<Engine, EngineRun>>, cores: number): void {
  const lines: string[] = [];
  let memory: RssFigures = {};
  for (const engine of engines) {
    const run = runs[engine];
    if (!run) continue;
    const { results } = run;
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
    lines.push(
      `${ENGINE_TITLES[engine]} (request lists ${run.catalogNote})`,
      table(rows),
      ...KINDS.map((kind) => `${kind}: api/legacy req/s ${ratio(kind).toFixed(2)} (goal ≥ ${GOAL}) ${ratio(kind) >= GOAL ? 'met' : 'NOT met'}`),
      '',
    );
    memory = { ...memory, ...run.memory };
  }
  lines.push(
    `(${CONNECTIONS} connections, ${SECONDS} s per run after ${WARMUP_SECONDS} s warm-up${ROUNDS > 1 ? `, medians of ${ROUNDS} interleaved rounds` : ''}; one engine after the other; php-fpm ${cores} static workers, api ${apiWorkers(cores)} (API_WORKERS); ${cores} cores shared by load generator, servers, database server and whatever else runs on the machine)`,
    '',
    table(rssTableRows(memory, `the ${ROUNDS > 1 ? 'rounds' : 'round'} at ${CONNECTIONS} connections`)),
    '(legacy: nginx + php-fpm with their workers; the database servers (mariadbd, postgres) are the machine’s and not counted)',
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  const figures = (prefix: 'rps' | 'p99_ms', value: (r: LoadResult) => number) =>
    Object.fromEntries(
      engines.flatMap((engine) => {
        const run = runs[engine];
        return run ? [[`${prefix}${engineSuffix(engine)}`, Object.fromEntries(KEYS.map((key) => [key, value(run.results[key])]))]] : [];
      }),
    );
  process.stdout.write(`${JSON.stringify({ bench: 'api', ...figures('rps', (r) => r.rps), ...figures('p99_ms', (r) => r.p99), engines, rss_mb: memory })}\n`);
}

await runBench(cleanups, main);

/** The api's processes: as many as the monolith's php-fpm workers, or BENCH_API_WORKERS (1 measures one process). */
function apiWorkers(cores: number): number {
  const wanted = process.env.BENCH_API_WORKERS;
  if (wanted === undefined || wanted === '') return cores;
  const workers = Number(wanted);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new Error(`BENCH_API_WORKERS: expected api processes (1-64), got "${wanted}"`);
  return workers;
}
