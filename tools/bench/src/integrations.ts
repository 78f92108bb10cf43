// npm run bench:integrations — (1) the shipping quote of the monolith as production runs it (nginx +
// php-fpm, OPcache, Laravel caches; its blocking cURL holds a worker per quote) against the
// integrations slice, both asking the same fake carrier that answers in 50 ms, 256 connections,
// distinct zip/weight keys (no cache answers); (2) partner deliveries: 10 partners, one of them
// down, events published at rising rates; the p99 delay of a delivery to the healthy nine; (3) the
// resident memory of every process it starts, idle and at its peak under each of those loads.
// A table for people, then as the last line one JSON object.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { toHeaders } from '@offramp/messaging';
import { freePort, httpStatus, startNatsServer, startProcess, startService, tempDir, waitUntil, workspaceRoot, type ServiceProcess } from '@offramp/testing';
import { expectSameAnswers } from './api/compare-responses.js';
import { artisan, checkOpcache, LEGACY_PRODUCTION_PACKAGES, legacyDeployment, startLegacyServer } from './api/legacy-production.js';
import { ensureDebianPackages } from './debian-packages.js';
import { Cleanups, runBench } from './bench-run.js';
import { loadRequestList, type LoadResult } from './load.js';
import { RssPeaks, rssByLoad } from './rss.js';
import { percentile, table } from './stats.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const WARMUP_SECONDS = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 2);
const CONNECTIONS = 256;
const CARRIER_LATENCY_MS = 50;
const QUOTE_KEYS = 200_000;
const PARTNERS = 10;
// 10 s: the down partner's first retries fall due after 5 s, inside every rate's run.
const EVENT_SECONDS = Number(process.env['BENCH_EVENT_SECONDS'] ?? 10);
const EVENT_RATES = (process.env['BENCH_EVENT_RATES'] ?? '100,200,400,800').split(',').map(Number);
const QUOTE_GOAL = 20;
const DELAY_GOAL_MS = 1_000;
const HEADERS = { host: 'shop.test', accept: 'application/json' };
/** BENCH_PARTS=partners (or quote) runs one of the two measures; both by default. */
const PARTS = new Set((process.env['BENCH_PARTS'] ?? 'quote,partners').split(',').map((part) => part.trim()));
/** BENCH_PROFILE_DIR: the integrations process writes a V8 CPU profile there when it stops. */
const PROFILE_DIR = process.env['BENCH_PROFILE_DIR'];

const log = (line: string) => process.stderr.write(`bench:integrations: ${line}\n`);

/** Everything started, stopped in reverse order at the end, on an error and on Ctrl-C. */
const cleanups = new Cleanups(log);

/** Distinct zip and weight for every request of a run: each one asks the carrier. */
function quotePaths(count: number, offset: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => `/api/shipping/quote?zip=${String(10_000 + ((i + offset) % 90_000))}&weight=${1 + Math.floor((i + offset) / 90_000) * 7 + (i % 7)}`,
  );
}

/**
 * The warm-up's clients are gone, but php-fpm still works through the quotes they queued (each
 * holds a worker for the carrier's 50 ms): measure only once one quote is answered promptly again.
 */
async function drained(baseUrl: string): Promise<void> {
  let probe = 0;
  await waitUntil(
    async () => {
      const started = performance.now();
      probe += 1;
      const status = await httpStatus(`${baseUrl}/api/shipping/quote?zip=DRAIN${probe}&weight=1`);
      return status === 200 && performance.now() - started < 500;
    },
    { timeoutMs: 120_000, intervalMs: 200, description: `${baseUrl} answering a quote within 500 ms` },
  );
}

/**
 * RSS of every process this bench starts, by the name its table shows: idle once, before the first
 * measured load (after the warm-ups), then the peak of each measured load.
 */
const memory = {
  services: {} as Record<string, number>,
  idle: undefined as Record<string, number> | undefined,
  peaks: {} as Record<string, Record<string, number>>,
};
async function sampled<T>(load: string, run: () => Promise<T>): Promise<T> {
  memory.idle ??= new RssPeaks(memory.services).now();
  const sampler = new RssPeaks(memory.services).start();
  try {
    return await run();
  } finally {
    memory.peaks[load] = sampler.stop();
  }
}

interface PartnerRun {
  rate: number;
  events: number;
  healthyDeliveries: number;
  deliveriesPerSecond: number;
  p99Ms: number;
}

async function main(): Promise<void> {
  const cores = availableParallelism();
  const work = tempDir('offramp-bench-integrations-');
  cleanups.push(() => work.remove());
  // The fake carrier in a process of its own, as npm start runs it: not on this event loop.
  const carrierPort = await freePort();
  const carrierProcess = startProcess(process.execPath, [join(workspaceRoot(), 'libs/testing/dist/fake-carrier.main.js')], {
    env: { ...process.env, FAKE_CARRIER_PORT: String(carrierPort), FAKE_CARRIER_LATENCY_MS: String(CARRIER_LATENCY_MS) },
  });
  cleanups.push(() => carrierProcess.stop('SIGTERM'));
  const carrier = { url: `http://127.0.0.1:${carrierPort}` };
  await waitUntil(async () => (await httpStatus(`${carrier.url}/health`)) === 200, { timeoutMs: 10_000, description: 'fake carrier' });
  log(`fake carrier on ${carrier.url} (pid ${carrierProcess.pid}), answering in ${CARRIER_LATENCY_MS} ms`);

  const nats = await startNatsServer();
  cleanups.push(() => nats.stop());
  const slice: ServiceProcess = await startService({
    app: 'integrations',
    env: {
      DATABASE_URL: `sqlite://${join(work.path, 'integrations.sqlite')}`,
      NATS_URL: nats.url,
      LOG_LEVEL: 'warn',
      CARRIER_BASE_URL: carrier.url,
      CARRIER_TIMEOUT_MS: '5000',
      INTEGRATIONS_ADMIN_TOKEN: 'bench-integrations-admin-token-0123',
      PARTNER_ALLOWED_CIDRS: '127.0.0.0/8',
      PARTNER_POLL_MS: '50',
      ...(PROFILE_DIR ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${PROFILE_DIR}` } : {}),
    },
    timeoutMs: 60_000,
  });
  cleanups.push(() => slice.stop('SIGTERM', 10_000));
  log(`integrations on ${slice.url} (pid ${slice.pid})`);
  Object.assign(memory.services, { integrations: slice.pid, nats: nats.pid, fake_carrier: carrierProcess.pid });

  const quotes = PARTS.has('quote') ? await quoteRuns(work.path, carrier.url, slice, cores) : undefined;
  const partners = PARTS.has('partners') ? await partnerDeliveries(slice, nats.url) : undefined;
  await cleanups.run();
  report(quotes, partners, cores);
}

interface QuoteRuns {
  legacy: LoadResult;
  slice: LoadResult;
}

async function quoteRuns(workPath: string, carrierUrl: string, slice: ServiceProcess, cores: number): Promise<QuoteRuns> {
  ensureDebianPackages(LEGACY_PRODUCTION_PACKAGES, log);
  checkOpcache();
  const databaseUrl = `sqlite://${join(workPath, 'shop.sqlite')}`;
  const deployment = legacyDeployment(workPath, databaseUrl);
  Object.assign(deployment.env, { CARRIER_BASE_URL: carrierUrl, CARRIER_TIMEOUT_MS: '5000' });
  await artisan(deployment, ['migrate', '--force']);
  // A small shop: the server is ready once a product answers; the quote reads no table.
  Object.assign(process.env, {
    SEED_PRODUCTS: process.env['SEED_PRODUCTS'] ?? '5',
    SEED_USERS: process.env['SEED_USERS'] ?? '2',
    SEED_ORDERS: process.env['SEED_ORDERS'] ?? '1',
  });
  await artisan(deployment, ['shop:seed']);
  await artisan(deployment, ['config:cache']);
  await artisan(deployment, ['route:cache']);
  log(`starting the monolith: php-fpm (pm = static, ${cores} workers, OPcache) behind nginx (${cores} workers)…`);
  const legacy = await startLegacyServer(deployment, workPath, cores);
  cleanups.push(() => legacy.stop());
  Object.assign(memory.services, { legacy_php_fpm: legacy.phpFpm.pid, legacy_nginx: legacy.nginx.pid });

  log('checking 20 quotes: 200 and the same on both sides…');
  await expectSameAnswers(legacy.url, slice.url, quotePaths(20, 150_000), HEADERS);

  const quote = async (side: 'legacy' | 'integrations', seconds: number, offset: number): Promise<LoadResult> =>
    loadRequestList({
      baseUrl: side === 'legacy' ? legacy.url : slice.url,
      paths: quotePaths(QUOTE_KEYS, offset),
      connections: CONNECTIONS,
      seconds,
      headers: HEADERS,
      listFile: join(workPath, `${side}-quotes.json`),
    });
  // Each run its own key range, so that no run finds another's quotes in the slice's cache.
  log(`warm-up ${WARMUP_SECONDS} s each…`);
  await quote('legacy', WARMUP_SECONDS, 0);
  await drained(legacy.url);
  await quote('integrations', WARMUP_SECONDS, 1_000_000);
  await drained(slice.url);
  const legacyQuote = await sampled('legacy quote', () => quote('legacy', SECONDS, 2_000_000));
  await drained(legacy.url);
  log(`legacy quote: ${legacyQuote.rps} req/s, p99 ${legacyQuote.p99} ms, ${legacyQuote.errors} errors, ${legacyQuote.non2xx} non-2xx`);
  const sliceQuote = await sampled('integrations quote', () => quote('integrations', SECONDS, 3_000_000));
  log(`integrations quote: ${sliceQuote.rps} req/s, p99 ${sliceQuote.p99} ms, ${sliceQuote.errors} errors, ${sliceQuote.non2xx} non-2xx`);
  if (sliceQuote.rps * SECONDS > QUOTE_KEYS) log(`note: more requests than distinct keys (${QUOTE_KEYS}); some quotes came from the cache`);
  return { legacy: legacyQuote, slice: sliceQuote };
}

/** 10 partners (one down: connection refused), events at rising rates; arrival minus publish time per healthy delivery. */
async function partnerDeliveries(slice: ServiceProcess, natsUrl: string): Promise<PartnerRun[]> {
  const published = new Map<number, number>();
  const delays: number[] = [];
  let received = 0;
  const receivers: Server[] = [];
  for (let i = 0; i < PARTNERS - 1; i += 1) {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const orderId = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { order_id: number } }).data.order_id;
        const sent = published.get(orderId);
        if (sent !== undefined) delays.push(performance.now() - sent);
        received += 1;
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receivers.push(server);
  }
  cleanups.push(() => Promise.all(receivers.map((server) => new Promise((resolve) => server.close(resolve)))));
  const urls = receivers.map((server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`);
  urls.push(`http://127.0.0.1:${await freePort()}/down`); // nothing listens: every attempt fails, retried on the schedule
  for (const [i, url] of urls.entries()) {
    const response = await fetch(`${slice.url}/_offramp/integrations/partners`, {
      method: 'POST',
      headers: { authorization: 'Bearer bench-integrations-admin-token-0123', 'content-type': 'application/json' },
      body: JSON.stringify({ name: `partner-${i}`, url, eventTypes: ['shop.orders.paid.v1'] }),
    });
    if (response.status !== 201) throw new Error(`registering partner ${i}: ${response.status} ${await response.text()}`);
  }
  const connection = await connect({ servers: natsUrl });
  cleanups.push(() => connection.close());
  const js = jetstream(connection);
  const runs: PartnerRun[] = [];
  let orderId = 0;
  await sampled('partners', async () => {
    for (const rate of EVENT_RATES) {
      delays.length = 0;
      received = 0;
      const events = rate * EVENT_SECONDS;
      const started = performance.now();
      log(`partners: ${events} events at ${rate}/s to ${PARTNERS} partners (one down)…`);
      for (let n = 0; n < events; n += 1) {
        const due = started + (n * 1_000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        orderId += 1;
        const eventId = `bench-${orderId}`;
        published.set(orderId, performance.now());
        const payload = {
          order_id: orderId,
          user_id: 1,
          status: 'paid',
          amount_cents: 1000,
          currency: 'USD',
          payment_event_id: eventId,
          paid_at: new Date().toISOString(),
        };
        void js.publish('shop.orders.paid.v1', JSON.stringify(payload), { headers: toHeaders({ eventId }) });
      }
      const expected = events * (PARTNERS - 1);
      const deadline = performance.now() + 30_000;
      while (received < expected && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      const elapsedS = (performance.now() - started) / 1_000;
      const run = {
        rate,
        events,
        healthyDeliveries: received,
        deliveriesPerSecond: Math.round(received / elapsedS),
        p99Ms: Math.round(percentile(delays, 99)),
      };
      log(`partners at ${rate}/s: ${received}/${expected} healthy deliveries, ${run.deliveriesPerSecond}/s, p99 delay ${run.p99Ms} ms`);
      runs.push(run);
      if (received < expected || run.p99Ms >= DELAY_GOAL_MS) break;
    }
  });
  return runs;
}

function report(quotes: QuoteRuns | undefined, partners: PartnerRun[] | undefined, cores: number): void {
  const lines: string[] = [];
  const ratio = quotes ? quotes.slice.rps / Math.max(1, quotes.legacy.rps) : undefined;
  if (quotes && ratio !== undefined) {
    const row = (server: string, run: LoadResult, versus: string) => [
      'quote',
      server,
      String(run.rps),
      String(run.p50),
      String(run.p99),
      String(run.errors + run.non2xx),
      versus,
    ];
    lines.push(
      table([
        ['measure', 'server', 'req/s', 'p50 ms', 'p99 ms', 'errors+non-2xx', 'slice/legacy'],
        row('legacy (nginx + php-fpm)', quotes.legacy, ''),
        row('integrations', quotes.slice, `${ratio.toFixed(1)}×`),
      ]),
      '',
    );
  }
  const at100 = partners?.[0];
  const best = partners && [...partners].reverse().find((run) => run.p99Ms < DELAY_GOAL_MS && run.healthyDeliveries === run.events * (PARTNERS - 1));
  if (partners) {
    lines.push(
      table([
        ['events/s', 'healthy deliveries', 'deliveries/s', 'p99 delay ms'],
        ...partners.map((run) => [String(run.rate), String(run.healthyDeliveries), String(run.deliveriesPerSecond), String(run.p99Ms)]),
      ]),
      '',
    );
  }
  const memoryFigures = memory.idle ? rssByLoad(memory.idle, memory.peaks) : undefined;
  if (memoryFigures) lines.push(table(memoryFigures.rows), '');
  if (ratio !== undefined) lines.push(`quote: integrations/legacy req/s ${ratio.toFixed(1)} (goal ≥ ${QUOTE_GOAL}) ${ratio >= QUOTE_GOAL ? 'met' : 'NOT met'}`);
  if (at100) {
    lines.push(
      `partners at ${at100.rate} events/s: p99 delay to the healthy nine ${at100.p99Ms} ms (goal < ${DELAY_GOAL_MS}) ${at100.p99Ms < DELAY_GOAL_MS ? 'met' : 'NOT met'}; highest rate tried that meets it: ${best ? `${best.rate} events/s (${best.deliveriesPerSecond} deliveries/s)` : 'none'}`,
    );
  }
  lines.push(
    `(${CONNECTIONS} connections, ${SECONDS} s per quote run after ${WARMUP_SECONDS} s warm-up, carrier ${CARRIER_LATENCY_MS} ms, ${QUOTE_KEYS} distinct keys per run; php-fpm ${cores} static workers; ${PARTNERS} partners, one refusing connections, ${EVENT_SECONDS} s per rate, rates ${EVENT_RATES.join('/')}; memory: RSS of each process tree (php-fpm and nginx with their workers), idle after the warm-ups, peak sampled every 250 ms during each load; ${cores} cores shared by load generator, servers and whatever else runs on the machine)`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  process.stdout.write(
    `${JSON.stringify({
      bench: 'integrations',
      ...(quotes
        ? {
            rps: { legacy_quote: quotes.legacy.rps, integrations_quote: quotes.slice.rps },
            p99_ms: { legacy_quote: quotes.legacy.p99, integrations_quote: quotes.slice.p99 },
            quote_ratio: Number(ratio?.toFixed(2)),
          }
        : {}),
      ...(partners && at100
        ? {
            partner: {
              deliveries_per_s: at100.deliveriesPerSecond,
              healthy_p99_ms: at100.p99Ms,
              highest_rate_meeting_goal: best?.rate ?? null,
              runs: partners,
            },
          }
        : {}),
      ...(memoryFigures ? { rss_mb: memoryFigures.figures } : {}),
    })}\n`,
  );
}

await runBench(cleanups, main);
