// npm run bench:pipelines — SendOrderConfirmation on the same 10,000 jobs (BENCH_PIPELINES_JOBS),
// dispatched by Laravel's own code, drained by `php artisan queue:work` (one worker per core) against
// the queue bridge + the Node handler (one pipelines process per core, BENCH_PIPELINES_PROCESSES),
// for the database and the redis driver; every mail goes to
// the loopback SMTP server, which counts one job done per order id at its first mail (all of them,
// or the bench fails; a repeated mail is a column, not a failure: Laravel's database queue on
// SQLite can reserve a job twice under two workers). Jobs/s is measured between the first mail
// and the first mail of the last order. Then the bridge latency from PHP dispatch to the mail
// accepted (an upper bound of dispatch -> handler start), jobs dispatched one at a time. Then
// GET /reports/sales.csv on the seeded 20k orders, the monolith (nginx + php-fpm) against pipelines
// (pipelines/sales-report-row.ts). Memory: the RSS of each process tree it starts, idle and the
// highest sample under each load. CPU per job of every process a drain keeps busy, from /proc: what
// the other work on a shared machine does not distort, and what bounds jobs/s on these cores.
// A table for people, then as the last line one JSON object.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  artisan,
  startNatsServer,
  startProcess,
  startService,
  startSmtpServer,
  TEST_APP_KEY,
  tempDir,
  waitUntil,
  workspaceRoot,
  type ManagedProcess,
  type ReceivedMail,
  type SmtpServerHandle,
} from '@offramp/testing';
import { measureSalesReport, REPORT_CONNECTIONS } from './pipelines/sales-report-row.js';
import { RssPeaks, rssByLoad } from './rss.js';
import { cpuMicros } from './cpu.js';
import { percentile, table } from './stats.js';

const JOBS = positiveInteger('BENCH_PIPELINES_JOBS', 10_000);
const LATENCY_JOBS = positiveInteger('BENCH_LATENCY_JOBS', 200);
const LATENCY_PACE_MS = 20;
const WORKERS = availableParallelism();
/**
 * pipelines processes draining the queue, as many as PHP gets workers by default. Each has its own
 * send turn, so a kill -9 of one still cuts at most one send; one process alone is CPU-bound on a
 * core (about 2 ms of CPU per job here) while the other core idles.
 */
const BRIDGE_PROCESSES = positiveInteger('BENCH_PIPELINES_PROCESSES', WORKERS);
const JOBS_BAR = 20;
const JOBS_GOAL = 50;
const REPORT_BAR = 50;
const DRAIN_TIMEOUT_MS = 30 * 60_000;
/** How long the idle php workers get to boot before their RSS is read. */
const PHP_IDLE_BOOT_MS = 3_000;

function positiveInteger(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  if (!/^[1-9][0-9]*$/.test(value)) throw new Error(`${name}: expected a positive whole number, got "${value}"`);
  return Number(value);
}

const log = (line: string) => process.stderr.write(`bench:pipelines: ${line}\n`);
const run = promisify(execFile);
const legacyRoot = join(workspaceRoot(), 'apps/legacy');
const dispatchScript = join(workspaceRoot(), 'tools/bench/src/pipelines/dispatch-confirmations.php');

const cleanups: Array<() => Promise<unknown> | unknown> = [];
async function cleanUp(): Promise<void> {
  for (let step = cleanups.pop(); step; step = cleanups.pop()) {
    try {
      await step();
    } catch (error) {
      log(`clean-up: ${(error as Error).message}`);
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping everything this benchmark started`);
    void cleanUp().finally(() => process.exit(130));
  });
}

type Driver = 'database' | 'redis';

function legacyEnv(databaseUrl: string, driver: Driver, redisPrefix: string, smtp?: SmtpServerHandle): Record<string, string> {
  return {
    ...(process.env as Record<string, string>),
    DATABASE_URL: databaseUrl,
    APP_KEY: TEST_APP_KEY,
    APP_ENV: 'production',
    APP_DEBUG: 'false',
    // not 'null': Laravel's env() reads that as null, and the worker then logs "Unable to create
    // configured logger" with a stack trace into laravel.log before every job
    LOG_CHANNEL: 'stderr',
    LOG_LEVEL: 'warning',
    QUEUE_CONNECTION: driver,
    REDIS_PREFIX: redisPrefix,
    // TCP_NODELAY as nodemailer sets it: else each of Swift Mailer's mails waits 40 ms for the
    // server's delayed ACK (see config/mail.php)
    ...(smtp ? { MAIL_MAILER: 'smtp', MAIL_HOST: smtp.host, MAIL_PORT: String(smtp.port), MAIL_TCP_NODELAY: 'true' } : {}),
  };
}

/** Laravel's dispatch of the first `count` orders' confirmations; order id -> wall clock ms at dispatch. */
async function dispatch(env: Record<string, string>, count: number, skip: number, paceMs: number): Promise<Map<number, number>> {
  const { stdout } = await run('php', [dispatchScript, String(count), String(skip), String(paceMs)], {
    cwd: legacyRoot,
    env,
    timeout: DRAIN_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  const at = new Map<number, number>();
  for (const line of stdout.trim().split('\n')) {
    const [id, ms] = line.split(' ');
    at.set(Number(id), Number(ms));
  }
  return at;
}

function copySqlite(from: string, to: string): string {
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(from + suffix)) copyFileSync(from + suffix, to + suffix);
  return `sqlite://${to}`;
}

/** The order id of a confirmation mail ("Order #<id> confirmed"), the same on both sides. */
function orderOf(mail: ReceivedMail): number {
  return Number(/^Order #(\d+) confirmed$/.exec(mail.subject ?? '')?.[1] ?? Number.NaN);
}

interface DrainResult {
  rate: number;
  repeats: number;
  /** The highest RSS of each process tree while it drained (MB). */
  rssPeak: Record<string, number>;
  /** CPU ms per job of each process while it drained: a figure the other work on the machine does not distort as it does jobs/s. */
  cpuMsPerJob: Record<string, number>;
}

/** What a drain starts: its processes (by the name the memory table gives them) and how to stop them. */
interface Drainer {
  pids: Record<string, number>;
  stop: () => Promise<unknown>;
}

/** The php workers (and pipelines processes) are one service in the tables: `<service>_<n>` added up. */
const PHP_WORKERS = 'php_queue_work';
function sumWorkers(figures: Record<string, number>, decimals = 1): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(figures)) {
    const key = /^(.+)_\d+$/.exec(name)?.[1] ?? name;
    out[key] = (out[key] ?? 0) + value;
  }
  return Object.fromEntries(Object.entries(out).map(([key, value]) => [key, Number(value.toFixed(decimals))]));
}

/**
 * Jobs/s from the first mail to the first mail of the last order, once every dispatched order got
 * its mail (counted by order id: PHP's Message-IDs are random, and two of Laravel's database
 * workers on SQLite can reserve the same job, so PHP may repeat a mail; the repeats are counted).
 */
async function drain(
  name: string,
  smtp: SmtpServerHandle,
  acceptedAt: readonly number[],
  orders: ReadonlySet<number>,
  start: () => Promise<Drainer>,
  alongside: Record<string, number>,
): Promise<DrainResult> {
  const from = smtp.mails.length;
  const firstMailAt = new Map<number, number>();
  let seen = from;
  const count = () => {
    for (; seen < smtp.mails.length; seen += 1) {
      const order = orderOf(smtp.mails[seen]);
      if (!orders.has(order)) throw new Error(`${name}: a mail for order ${order}, which this run did not dispatch (${smtp.mails[seen].subject})`);
      if (!firstMailAt.has(order)) firstMailAt.set(order, acceptedAt[seen]);
    }
    return firstMailAt.size;
  };
  const { pids, stop } = await start();
  cleanups.push(stop);
  const memory = new RssPeaks({ ...pids, ...alongside }).start();
  const watched = { ...pids, ...alongside };
  const cpuBefore = Object.fromEntries(Object.entries(watched).map(([key, pid]) => [key, cpuMicros(pid) ?? 0]));
  // php workers started with --stop-when-empty exit at the end: the last reading while they ran counts
  const cpuLast = { ...cpuBefore };
  const readCpu = () => {
    for (const [key, pid] of Object.entries(watched)) cpuLast[key] = cpuMicros(pid) ?? cpuLast[key];
  };
  let reported = 0;
  await waitUntil(
    () => {
      readCpu();
      const done = count();
      if (done - reported >= orders.size / 10) {
        reported = done;
        log(`${name}: ${done}/${orders.size} jobs mailed`);
      }
      return done >= orders.size;
    },
    { timeoutMs: DRAIN_TIMEOUT_MS, intervalMs: 200, description: `${name}: ${orders.size} mails` },
  );
  await new Promise((resolve) => setTimeout(resolve, 500)); // a repeated send would show now
  // php workers started with --stop-when-empty may be gone by now: their peak was sampled while they ran
  const rssPeak = sumWorkers(memory.stop());
  readCpu();
  const cpuMsPerJob = sumWorkers(Object.fromEntries(Object.keys(watched).map((key) => [key, (cpuLast[key] - cpuBefore[key]) / 1000 / orders.size])), 3);
  await stop();
  cleanups.pop();
  count();
  const times = [...firstMailAt.values()];
  const rate = ((orders.size - 1) * 1000) / (Math.max(...times) - Math.min(...times));
  const repeats = smtp.mails.length - from - orders.size;
  const cpu = Object.entries(cpuMsPerJob).map(([key, ms]) => `${key} ${ms.toFixed(2)}`);
  log(`${name}: ${rate.toFixed(0)} jobs/s, ${repeats} repeated mails; CPU ms per job: ${cpu.join(', ')}`);
  return { rate, repeats, rssPeak, cpuMsPerJob };
}

async function main(): Promise<void> {
  const folder = tempDir('offramp-bench-pipelines-');
  cleanups.push(() => folder.remove());
  const redisPrefix = `offramp_bench_${randomBytes(4).toString('hex')}:`;
  const redis = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: 2 });
  cleanups.push(async () => {
    const keys = await redis.keys(`${redisPrefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });
  const queueKey = `${redisPrefix}queues:offramp`;

  const base = join(folder.path, 'base.sqlite');
  const baseUrl = `sqlite://${base}`;
  log(`seeding ${JOBS} orders (php artisan shop:seed)`);
  await artisan(baseUrl, ['migrate', '--force']);
  await artisan(baseUrl, ['shop:seed', `--products=500`, `--users=200`, `--orders=${JOBS + LATENCY_JOBS}`], {}, DRAIN_TIMEOUT_MS);
  // the latency run starts from an empty queue
  const latencyUrl = copySqlite(base, join(folder.path, 'latency.sqlite'));
  log(`dispatching ${JOBS} confirmations with Laravel's code, database and redis`);
  const orders = new Set((await dispatch(legacyEnv(baseUrl, 'database', redisPrefix), JOBS, 0, 0)).keys());
  await dispatch(legacyEnv(baseUrl, 'redis', redisPrefix), JOBS, 0, 0);
  if (orders.size !== JOBS) throw new Error(`dispatched ${orders.size} confirmations, expected ${JOBS}`);
  const redisJobs = await redis.lrange(queueKey, 0, -1);
  if (redisJobs.length !== JOBS) throw new Error(`redis queue holds ${redisJobs.length} jobs, expected ${JOBS}`);
  const refillRedis = async () => {
    await redis.del(queueKey, `${queueKey}:reserved`, `${queueKey}:delayed`, `${queueKey}:notify`);
    for (let i = 0; i < redisJobs.length; i += 1000) await redis.rpush(queueKey, ...redisJobs.slice(i, i + 1000));
  };

  // when the server accepted each of its mails (smtp.mails[i]); it reads only the headers, so
  // neither side waits on a MIME parse
  const acceptedAt: number[] = [];
  const smtp = await startSmtpServer({ parse: 'headers', onMail: () => acceptedAt.push(Date.now()) });
  cleanups.push(() => smtp.stop());
  const nats = await startNatsServer();
  cleanups.push(() => nats.stop());

  // the bench process itself holds the SMTP stand-in (and the mails it received)
  const alongside = { nats: nats.pid, bench_smtp_stand_in: process.pid };
  const idle = new RssPeaks(alongside).now();

  const php =
    (driver: Driver, url: string, untilEmpty = true) =>
    async (): Promise<Drainer> => {
      const workers: ManagedProcess[] = [];
      for (let i = 0; i < WORKERS; i += 1)
        workers.push(
          startProcess(
            'php',
            [
              'artisan',
              'queue:work',
              driver,
              '--queue=offramp',
              ...(untilEmpty ? ['--stop-when-empty', '--sleep=0'] : ['--sleep=1']),
              '--tries=1',
              '--no-interaction',
            ],
            { cwd: legacyRoot, env: legacyEnv(url, driver, redisPrefix, smtp) },
          ),
        );
      return {
        pids: Object.fromEntries(workers.map((worker, i) => [`${PHP_WORKERS}_${i + 1}`, worker.pid])),
        stop: () => Promise.all(workers.map((worker) => worker.stop('SIGTERM'))),
      };
    };
  // one after the other: each runs the migrations at start-up
  const bridge =
    (driver: Driver, url: string, processes = BRIDGE_PROCESSES) =>
    async (): Promise<Drainer> => {
      const services: ManagedProcess[] = [];
      for (let i = 0; i < processes; i += 1)
        services.push(
          await startService({
            app: 'pipelines',
            env: {
              DATABASE_URL: url,
              NATS_URL: nats.url,
              MAIL_HOST: smtp.host,
              MAIL_PORT: String(smtp.port),
              QUEUE_BRIDGE_DRIVER: driver,
              REDIS_URL: 'redis://127.0.0.1:6379/0',
              REDIS_PREFIX: redisPrefix,
              LOG_LEVEL: 'warn',
            },
          }),
        );
      return {
        pids: Object.fromEntries(services.map((service, i) => [`pipelines_${i + 1}`, service.pid])),
        stop: () => Promise.all(services.map((service) => service.stop('SIGTERM'))),
      };
    };

  // idle php workers: booted, polling the (empty) latency database's queue
  {
    const workers = await php('database', latencyUrl, false)();
    cleanups.push(workers.stop);
    await new Promise((resolve) => setTimeout(resolve, PHP_IDLE_BOOT_MS));
    Object.assign(idle, sumWorkers(new RssPeaks(workers.pids).now()));
    await workers.stop();
    cleanups.pop();
  }

  const runs: Record<string, DrainResult> = {};
  const scratch = (name: string) => copySqlite(base, join(folder.path, `${name}.sqlite`));
  runs['php_database'] = await drain(`php queue:work x${WORKERS}, database`, smtp, acceptedAt, orders, php('database', scratch('php-db')), alongside);
  runs['bridge_database'] = await drain(
    `bridge + Node x${BRIDGE_PROCESSES}, database`,
    smtp,
    acceptedAt,
    orders,
    bridge('database', scratch('bridge-db')),
    alongside,
  );
  await refillRedis();
  runs['php_redis'] = await drain(`php queue:work x${WORKERS}, redis`, smtp, acceptedAt, orders, php('redis', scratch('php-redis')), alongside);
  await refillRedis();
  runs['bridge_redis'] = await drain(
    `bridge + Node x${BRIDGE_PROCESSES}, redis`,
    smtp,
    acceptedAt,
    orders,
    bridge('redis', scratch('bridge-redis')),
    alongside,
  );

  // latency: the bridge idle on the database driver, jobs dispatched one at a time
  log(`latency: ${LATENCY_JOBS} jobs dispatched ${LATENCY_PACE_MS} ms apart`);
  const latencyFrom = smtp.mails.length;
  const firstLatencyMail = () => {
    const at = new Map<number, number>();
    for (let i = latencyFrom; i < smtp.mails.length; i += 1) if (!at.has(orderOf(smtp.mails[i]))) at.set(orderOf(smtp.mails[i]), acceptedAt[i]);
    return at;
  };
  const { pids: latencyPids, stop: stopBridge } = await bridge('database', latencyUrl, 1)();
  cleanups.push(stopBridge);
  // the bridge live on an empty queue: its idle figure
  Object.assign(idle, sumWorkers(new RssPeaks(latencyPids).now()));
  const dispatchedAt = await dispatch(legacyEnv(latencyUrl, 'database', redisPrefix), LATENCY_JOBS, JOBS, LATENCY_PACE_MS);
  await waitUntil(() => firstLatencyMail().size >= LATENCY_JOBS, { timeoutMs: 60_000, intervalMs: 20, description: `${LATENCY_JOBS} latency mails` });
  await stopBridge();
  cleanups.pop();
  const mailedAt = firstLatencyMail();
  const latencies = [...dispatchedAt].map(([id, at]) => (mailedAt.get(id) ?? Number.NaN) - at);
  if (latencies.some((ms) => Number.isNaN(ms))) throw new Error('latency: a dispatched job got no mail');
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);

  const report = await measureSalesReport(folder.path, log, cleanups);
  const reportRatio = report.pipelines.rps / report.legacy.rps;
  const drainPeak = (driver: Driver) => ({ ...runs[`php_${driver}`].rssPeak, ...runs[`bridge_${driver}`].rssPeak, ...peakOfBoth(driver) });
  const peakOfBoth = (driver: Driver) =>
    Object.fromEntries(
      Object.keys(alongside).map((name) => [name, Math.max(runs[`php_${driver}`].rssPeak[name] ?? 0, runs[`bridge_${driver}`].rssPeak[name] ?? 0)]),
    );
  const memory = rssByLoad(
    { ...idle, ...report.rss.idle },
    { [`${JOBS} jobs, database`]: drainPeak('database'), [`${JOBS} jobs, redis`]: drainPeak('redis'), 'sales.csv load': report.rss.peak },
  );

  const rates = Object.fromEntries(Object.entries(runs).map(([key, value]) => [key, value.rate]));
  // CPU per job of every process a drain keeps busy (the side's own, nats, the SMTP stand-in): on
  // these cores, with nothing else running, no side can drain faster than cores / its total
  const cpuTotal = (run: DrainResult) => Object.values(run.cpuMsPerJob).reduce((sum, ms) => sum + ms, 0);
  const cpuBound = (run: DrainResult) => (WORKERS * 1000) / cpuTotal(run);
  const cpuRows = Object.entries(runs).map(([key, run]) => [
    key,
    (run.cpuMsPerJob[PHP_WORKERS] ?? run.cpuMsPerJob['pipelines']).toFixed(2),
    run.cpuMsPerJob['nats'].toFixed(2),
    run.cpuMsPerJob['bench_smtp_stand_in'].toFixed(2),
    cpuTotal(run).toFixed(2),
    cpuBound(run).toFixed(0),
  ]);
  const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}x`;
  const verdict = (x: number) => (x >= JOBS_GOAL ? 'goal met' : x >= JOBS_BAR ? 'bar met' : 'below bar');
  process.stdout.write(
    `${table([
      [
        'measure',
        `php artisan queue:work x${WORKERS} / nginx + php-fpm`,
        `bridge + Node x${BRIDGE_PROCESSES} / pipelines`,
        'ratio',
        `bar ${JOBS_BAR}x / goal ${JOBS_GOAL}x`,
        'repeated mails php / bridge',
      ],
      ...(['database', 'redis'] as const).map((driver) => [
        `jobs/s, ${driver} (${JOBS})`,
        rates[`php_${driver}`].toFixed(0),
        rates[`bridge_${driver}`].toFixed(0),
        ratio(rates[`bridge_${driver}`], rates[`php_${driver}`]),
        verdict(rates[`bridge_${driver}`] / rates[`php_${driver}`]),
        `${runs[`php_${driver}`].repeats} / ${runs[`bridge_${driver}`].repeats}`,
      ]),
      [
        `GET /reports/sales.csv req/s (${REPORT_CONNECTIONS} connections; p99)`,
        `${report.legacy.rps} (p99 ${report.legacy.p99} ms)`,
        `${report.pipelines.rps} (p99 ${report.pipelines.p99} ms)`,
        ratio(report.pipelines.rps, report.legacy.rps),
        reportRatio >= REPORT_BAR ? `bar ${REPORT_BAR}x met` : `below bar ${REPORT_BAR}x`,
        '',
      ],
      [`bridge latency, dispatch -> mail accepted (${LATENCY_JOBS})`, '', `p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`, '', '', ''],
    ])}\n\n${table([
      ['CPU ms per job', 'php workers / pipelines', 'nats', 'bench (SMTP stand-in)', 'total', `jobs/s if CPU-bound on ${WORKERS} cores`],
      ...cpuRows,
    ])}\n(CPU: utime + stime from /proc over each drain, divided by its jobs; php workers' last reading before they exit, so a lower bound for them; CPU-bound ratios: database ${ratio(cpuBound(runs['bridge_database']), cpuBound(runs['php_database']))}, redis ${ratio(cpuBound(runs['bridge_redis']), cpuBound(runs['php_redis']))})\n\n${table(memory.rows)}\n(memory: RSS of each process tree, MB; ${PHP_WORKERS} is the ${WORKERS} workers' trees added up; idle: php workers booted on an empty queue, pipelines live on an empty queue, nats and the bench process (which holds the SMTP stand-in and every mail it received) before the first drain; the report's services before their warm-up; peak: highest sample every 250 ms under each load)\n`,
  );
  const round = (n: number) => Math.round(n * 10) / 10;
  process.stdout.write(
    `${JSON.stringify({
      bench: 'pipelines',
      jobs: JOBS,
      workers: WORKERS,
      bridge_processes: BRIDGE_PROCESSES,
      jobs_per_s: Object.fromEntries(Object.entries(rates).map(([key, value]) => [key, round(value)])),
      repeated_mails: Object.fromEntries(Object.entries(runs).map(([key, value]) => [key, value.repeats])),
      ratio: {
        database: round(rates['bridge_database'] / rates['php_database']),
        redis: round(rates['bridge_redis'] / rates['php_redis']),
        report: round(reportRatio),
      },
      rps: { legacy_report: report.legacy.rps, pipelines_report: report.pipelines.rps },
      p99_ms: { legacy_report: report.legacy.p99, pipelines_report: report.pipelines.p99 },
      bridge_latency_ms: { p50: round(p50), p99: round(p99) },
      cpu_ms_per_job: Object.fromEntries(Object.entries(runs).map(([key, run]) => [key, run.cpuMsPerJob])),
      cpu_bound_ratio: {
        database: round(cpuBound(runs['bridge_database']) / cpuBound(runs['php_database'])),
        redis: round(cpuBound(runs['bridge_redis']) / cpuBound(runs['php_redis'])),
      },
      rss_mb: memory.figures,
    })}\n`,
  );
}

main()
  .catch((error: Error) => {
    log(`failed: ${error.stack ?? error.message}`);
    process.exitCode = 1;
  })
  .finally(() => cleanUp());
