/// <reference lib="dom" />
// (the page functions passed to page.waitForFunction run in the browser)
// npm run bench:dashboard — the migration dashboard's weight and speed: the gzip size of what a
// browser downloads (apps/dashboard/dist), and the time to interactive of the route table with
// 1,000 routes in Debian's chromium (playwright-core), against the real gateway and nats-server.
// Baseline in the same run: the same table with 10 routes. Memory: RSS of the processes it starts
// (nats-server, each gateway, chromium with its renderer and helper processes), idle once the
// browser is up, peak during the timed rounds. Last line: one JSON object.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM_LAUNCH_OPTIONS, freePort, startNatsServer, startService, tempDir, workspaceRoot } from '@offramp/testing';
import { Cleanups, runBench } from './bench-run.js';
import { childPids, RssPeaks, rssFigures, rssTableRows } from './rss.js';
import { median, table } from './stats.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const ADMIN_TOKEN = 'bench-dashboard-admin-token-0123456789';
const BUNDLE_BAR_KB = 250;
const TTI_BAR_MS = 1_500;
const DIST = join(workspaceRoot(), 'apps/dashboard/dist');

const log = (line: string) => process.stderr.write(`bench:dashboard: ${line}\n`);
/** Everything started, stopped in reverse order at the end, on an error and on Ctrl-C. */
const cleanups = new Cleanups(log);

/** Every file a first visit downloads, gzipped as a server would send it (level 6, zlib's default). */
function bundleGzipKb(): { files: number; rawKb: number; gzipKb: number } {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((entry) => (statSync(join(dir, entry)).isDirectory() ? walk(join(dir, entry)) : [join(dir, entry)]));
  const files = walk(DIST);
  if (!files.some((file) => file.endsWith('index.html'))) throw new Error(`no build in ${DIST}: run npx nx run dashboard:build`);
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const body = readFileSync(file);
    raw += body.length;
    gzip += gzipSync(body).length;
  }
  return { files: files.length, rawKb: raw / 1024, gzipKb: gzip / 1024 };
}

function routesFile(path: string, count: number): void {
  const states = ['legacy', 'legacy', 'legacy', 'shadow', 'canary', 'service'];
  const lines = Array.from({ length: count }, (_, index) => {
    const state = states[index % states.length];
    return `  - { method: GET|HEAD, path: '/bench/r${index}/{id}', state: ${state}, service: api${state === 'canary' ? ', canaryPercent: 10' : ''} }`;
  });
  writeFileSync(path, `routes:\n${lines.join('\n')}\n`);
}

/**
 * Time to interactive of the route table, from the navigation's start: every route loaded (the first
 * 100 rows drawn, as the table shows them) and the page answering input (a search typed into the
 * box has filtered the whole table down to one route). Fresh browser
 * context each round (no cache, no session): the token goes in through the sign-in form first,
 * then the table is loaded anew and timed.
 */
async function timeToInteractive(context: BrowserContext, adminUrl: string, routes: number): Promise<number> {
  const page = await context.newPage();
  try {
    await page.goto(`${adminUrl}/_offramp/dashboard/`);
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByLabel(/^Your name/).fill('bench');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor({ timeout: 20_000 });
    await page.goto(`${adminUrl}/_offramp/dashboard/#/routes`);
    await page.reload(); // the timed load: a cold start of the app on the route table
    // Loaded: the count line names every route, and the first page of rows is drawn (search finds the rest).
    await page.waitForFunction(
      (count) => document.body.textContent?.includes(`${count} of ${count} routes`) && document.querySelectorAll('tbody tr').length === Math.min(count, 100),
      routes,
      { timeout: 30_000, polling: 'raf' },
    );
    await page.getByLabel('Search').fill(`r${routes - 1}/`);
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1, undefined, { timeout: 30_000, polling: 'raf' });
    return await page.evaluate(() => performance.now());
  } finally {
    await page.close();
  }
}

async function main(): Promise<void> {
  const bundle = bundleGzipKb();
  log(`bundle: ${bundle.files} files, ${bundle.rawKb.toFixed(1)} KB, ${bundle.gzipKb.toFixed(1)} KB gzipped`);
  const folder = tempDir('offramp-bench-dashboard-');
  cleanups.push(() => folder.remove());
  const nats = await startNatsServer();
  cleanups.push(() => nats.stop());
  log('nats-server started');
  const deadPort = await freePort(); // the table needs no monolith or slice to answer
  const start = async (routes: number) => {
    const file = join(folder.path, `routes-${routes}.yaml`);
    routesFile(file, routes);
    const gateway = await startService({
      app: 'gateway',
      adminPortVariable: 'GATEWAY_ADMIN_PORT',
      timeoutMs: 60_000,
      env: {
        NATS_URL: nats.url,
        LEGACY_URL: `http://127.0.0.1:${deadPort}`,
        DATABASE_URL: `sqlite://${folder.path}/gateway-${routes}.sqlite`,
        GATEWAY_ROUTES_FILE: file,
        GATEWAY_ROUTES_BUCKET: `bench_dashboard_${routes}`,
        GATEWAY_STATS_BUCKET: `bench_stats_${routes}`,
        GATEWAY_HISTORY_BUCKET: `bench_history_${routes}`,
        GATEWAY_SERVICES: `api=http://127.0.0.1:${deadPort}`,
        GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN,
        IDENTITY_TOKEN_SECRET: 'bench-dashboard-identity-secret-0123456789',
        LOG_LEVEL: 'warn',
      },
    });
    cleanups.push(() => gateway.stop());
    log(`gateway with ${routes} routes is up; waiting for the table in NATS KV`);
    // Seeded into NATS KV: wait until the admin API lists every route.
    for (let attempt = 0; attempt < 200; attempt++) {
      const listed = (await (
        await fetch(`${gateway.adminUrl}/_offramp/admin/routes`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, signal: AbortSignal.timeout(10_000) })
      ).json()) as {
        loaded: boolean;
        count: number;
      };
      if (listed.loaded && listed.count === routes) return gateway;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the gateway did not list ${routes} routes`);
  };
  const [small, large] = [await start(10), await start(1_000)];
  log('gateways ready (10 and 1,000 routes); timing the route table in chromium');
  const profile = join(folder.path, 'profile');
  const context = await chromium.launchPersistentContext(profile, {
    ...CHROMIUM_LAUNCH_OPTIONS,
    viewport: { width: 1400, height: 1000 },
  });
  cleanups.push(() => context.close());
  // Playwright hands out no pid for a persistent context: the browser is this process's child started with that profile.
  const [browser] = childPids(process.pid, profile);
  if (browser === undefined) throw new Error(`no chromium process with the profile ${profile} below this process`);
  const services = { nats: nats.pid, gateway_10_routes: small.pid, gateway_1000_routes: large.pid, chromium: browser };
  const idle = new RssPeaks(services).now();
  const sampler = new RssPeaks(services).start();
  const times: Record<'10' | '1000', number[]> = { '10': [], '1000': [] };
  for (let round = 1; round <= ROUNDS; round++) {
    // Interleaved, so load on the (shared) machine hits both alike.
    times['10'].push(await timeToInteractive(context, small.adminUrl, 10));
    times['1000'].push(await timeToInteractive(context, large.adminUrl, 1_000));
    log(`round ${round}/${ROUNDS}: 10 routes ${times['10'].at(-1)?.toFixed(0)} ms, 1,000 routes ${times['1000'].at(-1)?.toFixed(0)} ms`);
  }
  const memory = rssFigures(idle, sampler.stop());
  const tti10 = median(times['10']);
  const tti1000 = median(times['1000']);
  process.stdout.write(
    `${table([
      ['measure', 'value', 'bar', 'ratio'],
      ['bundle gzip (KB)', bundle.gzipKb.toFixed(1), `< ${BUNDLE_BAR_KB}`, (bundle.gzipKb / BUNDLE_BAR_KB).toFixed(2)],
      ['TTI route table, 10 routes (ms)', tti10.toFixed(0), 'baseline', '1.00'],
      ['TTI route table, 1,000 routes (ms)', tti1000.toFixed(0), `< ${TTI_BAR_MS}`, (tti1000 / tti10).toFixed(2)],
    ])}\n\n${table(rssTableRows(memory, `${ROUNDS} timed rounds`))}\n(medians of ${ROUNDS} interleaved rounds; ratio: 1,000 routes / 10 routes, bundle / bar; memory: RSS of each process tree, chromium with its renderers and helpers, idle once the browser is up, peak sampled every 250 ms during the rounds; 2 shared cores, other work on the machine makes the figures noisy)\n`,
  );
  process.stdout.write(
    `${JSON.stringify({ bench: 'dashboard', bundle_gzip_kb: Number(bundle.gzipKb.toFixed(1)), tti_ms_1000_routes: Math.round(tti1000), tti_ms_10_routes: Math.round(tti10), tti_ratio_1000_to_10: Number((tti1000 / tti10).toFixed(2)), rss_mb: memory })}\n`,
  );
}

await runBench(cleanups, main);
