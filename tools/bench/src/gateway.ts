// npm run bench:gateway — the gateway against its baselines, one fast upstream on loopback, in one run.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  freeConsecutivePorts,
  freePort,
  httpStatus,
  startNatsServer,
  startOtlpReceiver,
  startProcess,
  startService,
  tempDir,
  waitUntil,
  type ManagedProcess,
} from '@offramp/testing';
import { laravelSession } from './gateway/laravel-session.js';
import { latencyLoad, type LatencyResult } from './latency.js';
import { load, type LoadResult } from './load.js';
import { findOrInstallNginx, startNginx } from './gateway/nginx.js';
import { RssPeaks, rssFigures, rssTableRows, type RssFigures } from './rss.js';
import { median, table } from './stats.js';

const KEYS = [
  'direct',
  'nginx',
  'fastify_proxy',
  'gateway_legacy',
  'gateway_legacy_traced_1pct',
  'gateway_service_identity',
  'gateway_shadow',
  // The route's shadow.sampleRate at SHADOW_SAMPLE_RATE: a hot route compared on part of its traffic.
  'gateway_shadow_sampled',
  'gateway_10_routes',
  'gateway_10000_routes',
  // The multi-worker row: the gateway's cluster mode (GATEWAY_WORKERS) and nginx with as many worker processes.
  'gateway_legacy_workers',
  'nginx_workers',
] as const;
type Key = (typeof KEYS)[number];
/** The one-process targets: the JSON line's rps, p99_ms… objects keep exactly these keys. */
const SINGLE_KEYS = KEYS.filter((key) => !key.endsWith('_workers'));

/** BENCH_TARGETS=gateway_legacy,gateway_legacy_traced_1pct runs only those (more rounds of one comparison). */
const ONLY = new Set((process.env['BENCH_TARGETS'] ?? '').split(',').filter(Boolean));
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const WARMUP_SECONDS = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 2);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
/** Workers of the multi-worker row: one per core by default (2 on the reference machine). */
const WORKERS = Math.max(2, Number(process.env['BENCH_WORKERS'] ?? availableParallelism()));
/**
 * Requests a second of the paced latency rounds (8 connections in all): below every target's
 * saturation, where the closed-loop rounds measure latency at it (there p99 is mostly queueing
 * for the 2 shared cores, which grows with the CPU a target takes from the others).
 */
const PACED_RPS = Number(process.env['BENCH_PACED_RPS'] ?? 1_000);
if (!(PACED_RPS > 0)) throw new Error(`BENCH_PACED_RPS must be a number of requests a second above 0, not "${process.env['BENCH_PACED_RPS']}"`);
/** gateway_shadow_sampled's share of requests copied to the slice (gateway_shadow copies every one). */
const SHADOW_SAMPLE_RATE = 0.25;
const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const log = (line: string) => process.stderr.write(`bench:gateway: ${line}\n`);
const here = fileURLToPath(new URL('.', import.meta.url));

interface Target {
  url: string;
  /** The proxy's process, for CPU time per request (robust to a busy machine, unlike req/s). */
  pid?: number;
  headers?: Record<string, string>;
  stop(): Promise<unknown>;
}

async function main(): Promise<void> {
  const work = tempDir('offramp-bench-gateway-');
  const processes: ManagedProcess[] = [];
  const results: Partial<Record<Key, Result>> = {};
  let memory: RssFigures = {};
  const nats = await startNatsServer();
  // The traced gateway's collector: answers every export, keeps nothing (it only has to be there).
  const collector = await startOtlpReceiver({ keep: false });
  try {
    const upstreamPort = await freePort();
    const upstream = startProcess(process.execPath, [join(here, 'gateway/upstream.server.js')], { env: { ...process.env, PORT: String(upstreamPort) } });
    processes.push(upstream);
    const upstreamUrl = `http://127.0.0.1:${upstreamPort}`;
    await waitUntil(async () => (await httpStatus(`${upstreamUrl}/`)) === 200, { description: 'upstream' });

    const sessions = join(work.path, 'sessions');
    mkdirSync(sessions, { recursive: true });
    const session = laravelSession(sessions);
    let bucket = 0;
    /** `adminPort`: the first of the admin ports, one per worker (GATEWAY_ADMIN_PORT + worker index - 1); a free one by default. */
    const gateway = async (routes: string, extraEnv: Record<string, string> = {}, adminPort?: number): Promise<Target> => {
      const file = join(work.path, `routes-${++bucket}.yaml`);
      writeFileSync(file, routes);
      const service = await startService({
        app: 'gateway',
        adminPortVariable: 'GATEWAY_ADMIN_PORT',
        adminPort,
        env: {
          NATS_URL: nats.url,
          LEGACY_URL: upstreamUrl,
          GATEWAY_SERVICES: `slice=${upstreamUrl}`,
          DATABASE_URL: `sqlite://${join(work.path, 'gateway.sqlite')}`,
          GATEWAY_ROUTES_FILE: file,
          GATEWAY_ROUTES_BUCKET: `bench_routes_${bucket}`,
          IDENTITY_TOKEN_SECRET: 'bench-identity-secret-0123456789abcdef',
          APP_KEY: session.appKey,
          SESSION_FILES: sessions,
          LOG_LEVEL: 'warn',
          GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN,
          ...extraEnv,
        },
        timeoutMs: 60_000,
      });
      // Ready when the route table came from NATS (seeded from the file in the first run).
      try {
        await waitUntil(
          async () => {
            const response = await fetch(`${service.adminUrl}/_offramp/admin/routes`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
            return response.ok && ((await response.json()) as { loaded: boolean }).loaded;
          },
          { timeoutMs: 120_000, intervalMs: 250, description: 'gateway route table loaded from NATS' },
        );
      } catch (error) {
        await service.stop();
        throw error;
      }
      return { url: service.url, pid: service.pid, stop: () => service.stop() };
    };
    const oneRoute = (state: string, extra = '') => `routes:\n  - { method: GET, path: '/bench/{id}', state: ${state}, service: slice${extra} }\n`;
    const manyRoutes = (count: number) =>
      `routes:\n${Array.from({ length: count }, (_, index) => `  - { method: GET, path: '/r${index}/items/{id}', state: legacy }\n`).join('')}  - { method: GET, path: '/bench/{id}', state: legacy }\n`;

    const nginxBinary = findOrInstallNginx(log);
    const targets: Record<Key, () => Promise<Target | undefined>> = {
      direct: async () => ({ url: upstreamUrl, pid: upstream.pid, stop: async () => undefined }),
      nginx: async () => {
        if (!nginxBinary) return undefined;
        const port = await freePort();
        const nginx = startNginx(nginxBinary, join(work.path, 'nginx'), port, upstreamPort);
        await waitUntil(async () => (await httpStatus(`http://127.0.0.1:${port}/`)) === 200, { description: 'nginx' });
        return { url: `http://127.0.0.1:${port}`, pid: nginx.pid, stop: () => nginx.stop() };
      },
      fastify_proxy: async () => {
        const port = await freePort();
        const proxy = startProcess(process.execPath, [join(here, 'gateway/fastify-proxy.server.js')], {
          env: { ...process.env, PORT: String(port), UPSTREAM: upstreamUrl },
        });
        await waitUntil(async () => (await httpStatus(`http://127.0.0.1:${port}/`)) === 200, { description: '@fastify/http-proxy' });
        return { url: `http://127.0.0.1:${port}`, pid: proxy.pid, stop: () => proxy.stop() };
      },
      gateway_legacy: () => gateway(oneRoute('legacy')),
      // Tracing on as in production: 1% of new traces sampled, the rest still propagated.
      gateway_legacy_traced_1pct: () =>
        gateway(oneRoute('legacy'), {
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
          OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
          OTEL_TRACES_SAMPLER_ARG: '0.01',
        }),
      gateway_service_identity: async () => ({ ...(await gateway(oneRoute('service'))), headers: { cookie: session.cookie } }),
      gateway_shadow: () => gateway(oneRoute('shadow')),
      gateway_shadow_sampled: () => gateway(oneRoute('shadow', `, shadow: { sampleRate: ${SHADOW_SAMPLE_RATE} }`)),
      gateway_10_routes: () => gateway(manyRoutes(10)),
      gateway_10000_routes: () => gateway(manyRoutes(10_000)),
      // Each worker has its own admin listener on the port after the previous one's: all of them must be free.
      gateway_legacy_workers: async () => gateway(oneRoute('legacy'), { GATEWAY_WORKERS: String(WORKERS) }, await freeConsecutivePorts(WORKERS)),
      nginx_workers: async () => {
        if (!nginxBinary) return undefined;
        const port = await freePort();
        const nginx = startNginx(nginxBinary, join(work.path, 'nginx-workers'), port, upstreamPort, WORKERS);
        await waitUntil(async () => (await httpStatus(`http://127.0.0.1:${port}/`)) === 200, { description: 'nginx with workers' });
        return { url: `http://127.0.0.1:${port}`, pid: nginx.pid, stop: () => nginx.stop() };
      },
    };
    const paths: Partial<Record<Key, string>> = { gateway_10_routes: '/r7/items/42', gateway_10000_routes: '/r7777/items/42' };

    // Every target runs at once and the rounds interleave them, so that the machine's load (2
    // shared cores) drifts over all targets alike; each figure is the median of its rounds.
    const started: Partial<Record<Key, Target>> = {};
    try {
      for (const key of KEYS) {
        if (ONLY.size > 0 && !ONLY.has(key)) continue;
        log(`${key}: starting`);
        const target = await targets[key]();
        if (target) started[key] = target;
        else log(`${key}: skipped`);
      }
      const url = (key: Key, target: Target) => `${target.url}${paths[key] ?? '/bench/1'}`;
      const live = KEYS.flatMap((key) => {
        const target = started[key];
        return target ? [[key, target] as const] : [];
      });
      for (const [key, target] of live) await load(url(key, target), 64, WARMUP_SECONDS, target.headers);
      // Every process this bench starts, as a tree (nginx's and the gateway's workers count with their parent).
      const pids: Record<string, number> = { nats: nats.pid, upstream: upstream.pid ?? 0 };
      for (const [key, target] of live) if (target.pid !== undefined && key !== 'direct') pids[key] = target.pid;
      const idle = new RssPeaks(pids).now();
      const peaks = new RssPeaks(pids).start();
      const rounds: Partial<Record<Key, { c64: LoadResult[]; c8: LatencyResult[]; paced: LatencyResult[]; cpu: number[] }>> = {};
      for (let round = 1; round <= ROUNDS; round++) {
        for (const [key, target] of live) {
          const before = cpuMicros(target.pid);
          const c64 = await load(url(key, target), 64, SECONDS, target.headers);
          const after = cpuMicros(target.pid);
          const cpu = before === undefined || after === undefined ? NaN : (after - before) / Math.max(1, c64.rps * SECONDS);
          const c8 = await latencyLoad(url(key, target), 8, SECONDS, target.headers);
          const paced = await latencyLoad(url(key, target), 8, SECONDS, target.headers, PACED_RPS);
          const errors = c64.errors + c8.errors + paced.errors;
          const non2xx = c64.non2xx + c8.non2xx + paced.non2xx;
          if (errors + non2xx > 0) log(`${key}: ${errors} errors, ${non2xx} non-2xx answers`);
          const entry = (rounds[key] ??= { c64: [], c8: [], paced: [], cpu: [] });
          entry.c64.push(c64);
          entry.c8.push(c8);
          entry.paced.push(paced);
          entry.cpu.push(cpu);
          log(
            `round ${round}/${ROUNDS} ${key}: ${c64.rps} req/s, p50 ${c64.p50} ms, p99 ${c64.p99} ms at 64; p99 ${c8.p99Us} µs at 8, ${paced.p99Us} µs at 8 paced to ${PACED_RPS}/s; ${Number.isNaN(cpu) ? '-' : cpu.toFixed(0)} µs CPU/request`,
          );
        }
      }
      for (const [key] of live) {
        const entry = rounds[key];
        if (!entry) continue;
        results[key] = {
          c64: {
            rps: median(entry.c64.map((r) => r.rps)),
            p50: median(entry.c64.map((r) => r.p50)),
            p99: median(entry.c64.map((r) => r.p99)),
            errors: 0,
            non2xx: 0,
          },
          c8: latencyMedians(entry.c8),
          paced: latencyMedians(entry.paced),
          cpuMicrosPerRequest: median(entry.cpu),
        };
      }
      memory = rssFigures(idle, peaks.stop());
    } finally {
      for (const target of Object.values(started)) await target?.stop();
    }
  } finally {
    for (const child of processes) await child.stop();
    await nats.stop();
    await collector.close();
    work.remove();
  }
  log(`OTLP receiver: ${collector.requests} export request(s) from the traced gateway`);
  report(results, memory);
}

interface Result {
  c64: LoadResult;
  c8: LatencyResult;
  /** At 8 connections paced to PACED_RPS. */
  paced: LatencyResult;
  cpuMicrosPerRequest: number;
}

function latencyMedians(results: LatencyResult[]): LatencyResult {
  return {
    rps: median(results.map((r) => r.rps)),
    p50Us: median(results.map((r) => r.p50Us)),
    p99Us: median(results.map((r) => r.p99Us)),
    errors: 0,
    non2xx: 0,
  };
}

/** utime + stime of a process and of the processes below it (nginx's and the gateway's workers), in µs (Linux /proc). */
function cpuMicros(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
    let total = ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / 100;
    for (const child of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean)) total += cpuMicros(Number(child)) ?? 0;
    return total;
  } catch {
    return undefined;
  }
}

function report(results: Partial<Record<Key, Result>>, memory: RssFigures): void {
  const paced = `@${PACED_RPS}/s`;
  const rows = [
    ['target', 'req/s (c64)', 'p50 ms (c64)', 'p99 ms (c64)', 'p50 µs (c8)', 'p99 µs (c8)', `p50 µs (c8 ${paced})`, `p99 µs (c8 ${paced})`, 'CPU µs/req'],
  ];
  for (const key of KEYS) {
    const result = results[key];
    const cpu = result && !Number.isNaN(result.cpuMicrosPerRequest) ? result.cpuMicrosPerRequest.toFixed(0) : '-';
    const name = key.endsWith('_workers') ? `${key} (${WORKERS})` : key;
    rows.push(
      result
        ? [
            name,
            String(result.c64.rps),
            String(result.c64.p50),
            String(result.c64.p99),
            String(result.c8.p50Us),
            String(result.c8.p99Us),
            String(result.paced.p50Us),
            String(result.paced.p99Us),
            cpu,
          ]
        : [name, 'skipped'],
    );
  }
  const rps = (key: Key) => results[key]?.c64.rps;
  const cpuOf = (key: Key) => results[key]?.cpuMicrosPerRequest;
  const ratio = (a?: number, b?: number) => (a !== undefined && b ? (a / b).toFixed(2) : 'n/a');
  const c8Gateway = results['gateway_legacy']?.c8.p99Us;
  const c8Direct = results['direct']?.c8.p99Us;
  const pacedGateway = results['gateway_legacy']?.paced.p99Us;
  const pacedDirect = results['direct']?.paced.p99Us;
  const gatewayPeak = memory['gateway_legacy']?.peak;
  const lines = [
    table(rows),
    '',
    `gateway_legacy / fastify_proxy req/s:      ${ratio(rps('gateway_legacy'), rps('fastify_proxy'))} (goal ≥ 1.3); CPU per request ${ratio(cpuOf('gateway_legacy'), cpuOf('fastify_proxy'))}×`,
    `gateway_legacy / nginx req/s:              ${ratio(rps('gateway_legacy'), rps('nginx'))} (goal ≥ 0.5); CPU per request ${ratio(cpuOf('gateway_legacy'), cpuOf('nginx'))}×`,
    `gateway_legacy p99 at c8 − direct:         ${c8Gateway !== undefined && c8Direct !== undefined ? c8Gateway - c8Direct : 'n/a'} µs (goal ≤ 500)`,
    `  the same at ${PACED_RPS} req/s (unsaturated): ${pacedGateway !== undefined && pacedDirect !== undefined ? pacedGateway - pacedDirect : 'n/a'} µs`,
    `gateway_shadow / gateway_legacy req/s:     ${ratio(rps('gateway_shadow'), rps('gateway_legacy'))} (goal ≥ 0.8; every request copied to the slice)`,
    `  with ${SHADOW_SAMPLE_RATE * 100}% of requests copied:       ${ratio(rps('gateway_shadow_sampled'), rps('gateway_legacy'))} (the route's shadow.sampleRate ${SHADOW_SAMPLE_RATE})`,
    `service with identity / legacy req/s:      ${ratio(rps('gateway_service_identity'), rps('gateway_legacy'))} (goal ≥ 0.95)`,
    `10,000 routes / 10 routes req/s:           ${ratio(rps('gateway_10000_routes'), rps('gateway_10_routes'))} (goal ≥ 0.95)`,
    `tracing at 1% / off req/s:                 ${ratio(rps('gateway_legacy_traced_1pct'), rps('gateway_legacy'))} (goal ≥ 0.95: under 5% cost); CPU per request ${ratio(cpuOf('gateway_legacy_traced_1pct'), cpuOf('gateway_legacy'))}×`,
    `${WORKERS} workers: gateway / nginx req/s:         ${ratio(rps('gateway_legacy_workers'), rps('nginx_workers'))}`,
    `gateway_legacy RSS at 64 connections:      ${gatewayPeak ?? 'n/a'} MB (goal < 150)`,
    '(medians of interleaved rounds; 2 shared cores: load generator, proxy and upstream compete with each other and with other work on the machine)',
    '',
    table(rssTableRows(memory, 'rounds at 64 and 8 connections')),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const pick = (value: (result: Result) => number) =>
    Object.fromEntries(
      SINGLE_KEYS.map((key) => {
        const result = results[key];
        return [key, result ? value(result) : null];
      }),
    );
  process.stdout.write(
    `${JSON.stringify({
      bench: 'gateway',
      rps: pick((r) => r.c64.rps),
      p99_ms: pick((r) => r.c64.p99),
      p99_ms_c8: pick((r) => Math.round(r.c8.p99Us / 10) / 100),
      p99_us_c8: pick((r) => r.c8.p99Us),
      // Latency below saturation: the same 8 connections paced to paced_rps requests a second in all.
      paced_rps: PACED_RPS,
      p99_us_c8_paced: pick((r) => r.paced.p99Us),
      cpu_us_per_request: pick((r) => (Number.isNaN(r.cpuMicrosPerRequest) ? -1 : Math.round(r.cpuMicrosPerRequest))),
      tracing_1pct_vs_off: {
        rps_ratio: ratioNumber(rps('gateway_legacy_traced_1pct'), rps('gateway_legacy')),
        cpu_ratio: ratioNumber(cpuOf('gateway_legacy_traced_1pct'), cpuOf('gateway_legacy')),
      },
      shadow_sample_rate: SHADOW_SAMPLE_RATE,
      rps_workers: { workers: WORKERS, gateway_legacy: rps('gateway_legacy_workers') ?? null, nginx: rps('nginx_workers') ?? null },
      rss_mb: memory,
    })}\n`,
  );
}

function ratioNumber(a?: number, b?: number): number | null {
  return a !== undefined && b && !Number.isNaN(a) && !Number.isNaN(b) ? Number((a / b).toFixed(3)) : null;
}

await main();
