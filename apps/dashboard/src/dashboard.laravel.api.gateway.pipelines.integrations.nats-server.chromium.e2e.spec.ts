import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import {
  artisan,
  startLegacyApp,
  startNatsServer,
  startPartnerEndpoint,
  startService,
  startSmtpServer,
  waitUntil,
  workspaceRoot,
  type LegacyApp,
  type NatsServerHandle,
  type PartnerEndpoint,
  type ServiceProcess,
  type SmtpServerHandle,
  CHROMIUM_LAUNCH_OPTIONS,
} from '@offramp/testing';

// The dashboard as a person uses it, in Debian's chromium (playwright-core, no browser download),
// against the real stack: nats-server, the Laravel monolith (php -S), the api slice and the gateway
// serving the dashboard on its admin listener. The CLI's history must show the same changes, and a
// change made with the CLI must reach the open page without a reload. The pipelines slice runs the
// taken-over jobs (the Laravel queue bridge, mail to a loopback SMTP server standing in for the
// mail provider), read and retried from the Pipelines page through the gateway's relay; the
// integrations slice delivers the orders' events to two loopback partners (third parties), one of
// them down until its failure has been seen and replayed from the Integrations page.
const ADMIN_TOKEN = 'dashboard-e2e-admin-token-0123456789';
const PIPELINES_TOKEN = 'dashboard-e2e-pipelines-token-0123456789';
const INTEGRATIONS_TOKEN = 'dashboard-e2e-integrations-token-0123456789';
const IDENTITY_SECRET = 'dashboard-e2e-identity-secret-0123456789abcdef';
const PRODUCTS = 'GET|HEAD /api/products';
/** /products: the slice has no such page (404), so each shadowed request is a mismatch. */
const MISMATCHING = 'GET|HEAD /products';
const ROUTES = `
routes:
  - { method: GET|HEAD, path: /api/products, state: legacy, service: api, shadow: { minSamples: 20 } }
  - { method: GET|HEAD, path: /products, state: shadow, service: api }
  - { method: POST, path: /api/orders, state: legacy, service: api }
`;
const SCREENSHOTS = join(workspaceRoot(), 'apps/dashboard/screenshots');
const execute = promisify(execFile);

describe('the migration dashboard in a real browser against the real stack', () => {
  let nats: NatsServerHandle;
  let legacy: LegacyApp;
  let api: ServiceProcess;
  let pipelines: ServiceProcess | undefined;
  let smtp: SmtpServerHandle;
  let integrations: ServiceProcess;
  let healthyPartner: PartnerEndpoint;
  let failingPartner: PartnerEndpoint;
  let failingPartnerDown = true;
  let gateway: ServiceProcess;
  let folder: string;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'offramp-dashboard-'));
    writeFileSync(join(folder, 'routes.yaml'), ROUTES);
    // NATS and the monolith start side by side; the two Node services one after the other (a small, shared machine).
    smtp = await startSmtpServer();
    [nats, legacy] = await Promise.all([
      startNatsServer(),
      startLegacyApp({ env: { APP_DEBUG: 'false', MAIL_MAILER: 'smtp', MAIL_HOST: smtp.host, MAIL_PORT: String(smtp.port) } }),
    ]);
    api = await startService({
      app: 'api',
      timeoutMs: 60_000, // a small machine shared with other work can take a while
      env: { DATABASE_URL: legacy.databaseUrl, NATS_URL: nats.url, IDENTITY_TOKEN_SECRET: IDENTITY_SECRET, LOG_LEVEL: 'warn' },
    });
    pipelines = await startService({
      app: 'pipelines',
      timeoutMs: 60_000,
      env: {
        DATABASE_URL: legacy.databaseUrl,
        NATS_URL: nats.url,
        MAIL_HOST: smtp.host,
        MAIL_PORT: String(smtp.port),
        PIPELINES_ADMIN_TOKEN: PIPELINES_TOKEN,
        LOG_LEVEL: 'warn',
      },
    });
    integrations = await startService({
      app: 'integrations',
      timeoutMs: 60_000,
      env: {
        DATABASE_URL: legacy.databaseUrl,
        NATS_URL: nats.url,
        IDENTITY_TOKEN_SECRET: IDENTITY_SECRET,
        INTEGRATIONS_ADMIN_TOKEN: INTEGRATIONS_TOKEN,
        PARTNER_ALLOWED_CIDRS: '127.0.0.0/8',
        PARTNER_RETRY_TIME_SCALE: '0.0002',
        PARTNER_POLL_MS: '20',
        LOG_LEVEL: 'warn',
      },
    });
    healthyPartner = await startPartnerEndpoint();
    failingPartner = await startPartnerEndpoint(() => (failingPartnerDown ? 503 : 200));
    gateway = await startService({
      app: 'gateway',
      timeoutMs: 60_000,
      adminPortVariable: 'GATEWAY_ADMIN_PORT',
      env: {
        NATS_URL: nats.url,
        LEGACY_URL: legacy.url,
        DATABASE_URL: legacy.databaseUrl,
        GATEWAY_ROUTES_FILE: join(folder, 'routes.yaml'),
        GATEWAY_ROUTES_BUCKET: 'dashboard_e2e_routes',
        GATEWAY_SERVICES: `api=${api.url},pipelines=${pipelines.url},integrations=${integrations.url}`,
        GATEWAY_INTEGRATIONS_ADMIN_TOKEN: INTEGRATIONS_TOKEN,
        GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN,
        GATEWAY_PIPELINES_ADMIN_TOKEN: PIPELINES_TOKEN,
        IDENTITY_TOKEN_SECRET: IDENTITY_SECRET,
        APP_KEY: legacy.appKey,
        SESSION_FILES: `${legacy.storagePath}/framework/sessions`,
        LOG_LEVEL: 'warn',
      },
    });
    await waitUntil(async () => ((await adminGet('/routes')) as { loaded: boolean }).loaded, {
      timeoutMs: 20_000,
      description: 'route table loaded from NATS',
    });
    context = await chromium.launchPersistentContext(join(folder, 'profile'), {
      ...CHROMIUM_LAUNCH_OPTIONS,
      viewport: { width: 1400, height: 1000 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
    page.setDefaultTimeout(10_000);
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await Promise.allSettled([gateway?.stop(), api?.stop(), pipelines?.stop(), integrations?.stop()]);
    await Promise.allSettled([healthyPartner?.close(), failingPartner?.close()]);
    await legacy?.close();
    await smtp?.stop();
    await nats?.stop();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  async function adminGet(path: string): Promise<unknown> {
    const response = await fetch(`${gateway.adminUrl}/_offramp/admin${path}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      signal: AbortSignal.timeout(10_000),
    });
    return response.json();
  }

  /** Requests through the gateway's public port, as callers send them. */
  async function traffic(path: string, count: number): Promise<void> {
    for (let index = 0; index < count; index++) {
      const response = await fetch(`${gateway.url}${path}`, { signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
    }
  }

  /**
   * One request each from 127.0.0.2 … 127.0.0.<1 + callers>: anonymous callers are kept on one
   * side of a canary by their address, so a share of them (5 of these 30 at 10%) reaches the slice.
   */
  async function trafficFromCallers(path: string, callers: number): Promise<void> {
    const { port } = new URL(gateway.url);
    for (let caller = 2; caller < 2 + callers; caller++) {
      await new Promise<void>((resolve, reject) => {
        const sent = request({ host: '127.0.0.1', port, path, localAddress: `127.0.0.${caller}`, timeout: 10_000 }, (response) => {
          response.resume();
          response.on('end', resolve);
        });
        sent.on('error', reject).end();
      });
    }
  }

  function cli(...args: string[]): Promise<{ stdout: string }> {
    return execute(process.execPath, [join(workspaceRoot(), 'tools/cli/bin/offramp.js'), ...args], {
      env: { ...process.env, OFFRAMP_ADMIN_URL: gateway.adminUrl, OFFRAMP_ADMIN_TOKEN: ADMIN_TOKEN },
      timeout: 20_000,
    });
  }

  /** axe-core in the page: no serious or critical violation. */
  async function accessibilityProblems(): Promise<string[]> {
    const axe = readFileSync(join(workspaceRoot(), 'node_modules/axe-core/axe.min.js'), 'utf8');
    // Evaluated over the DevTools protocol: the page's own CSP (no inline scripts) stays as it is.
    await page.evaluate(axe);
    const violations = await page.evaluate(async () => {
      const result = await (
        window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }
      ).axe.run();
      return result.violations.map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        targets: violation.nodes.map((node) => node.target.join(' ')),
      }));
    });
    return violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.id}: ${violation.targets.join(', ')}`);
  }

  async function act(button: string, reason: string): Promise<string> {
    const status = page.locator('form.actions [role="status"]');
    const before = (await status.textContent()) ?? '';
    await page.getByLabel(/^Reason/).fill(reason);
    await page.getByRole('button', { name: button }).click();
    await waitUntil(async () => !['', before].includes((await status.textContent()) ?? ''), { timeoutMs: 10_000, description: `an answer to "${button}"` });
    return (await status.textContent()) ?? '';
  }

  it('signs in, moves GET /api/products through shadow to a 10% canary with evidence, shows a mismatch, rolls back, and follows the CLI live', async () => {
    await page.goto(`${gateway.adminUrl}/_offramp/dashboard/`);
    await page.getByLabel('Admin token').fill('not-the-token-at-all');
    await page.getByLabel(/^Your name/).fill('jane@ops');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not the gateway' }).waitFor();
    expect(await accessibilityProblems()).toEqual([]);
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByText('live', { exact: true }).waitFor();

    // The route table, filtered.
    await page.getByRole('link', { name: 'Routes' }).click();
    await page.getByText('3 of 3 routes', { exact: false }).waitFor();
    await page.getByLabel('State').selectOption('shadow');
    await page.getByText('1 of 3 routes', { exact: false }).waitFor();
    await page.getByLabel('State').selectOption('');
    await page.getByLabel('Method').selectOption('POST');
    expect(await page.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-route')))).toEqual(['POST /api/orders']);
    await page.getByLabel('Method').selectOption('');
    await page.getByLabel('Search').fill('api/products');
    expect(await page.locator('tbody tr').count()).toBe(1);
    expect(await accessibilityProblems()).toEqual([]);

    // Promote to shadow with a reason; the page shows who did it.
    await page.getByRole('link', { name: PRODUCTS }).click();
    await page.getByRole('heading', { name: PRODUCTS }).waitFor();
    expect(await act('Promote to shadow', 'compare the catalog slice')).toContain('done, as jane@ops');
    await page.locator('.facts').getByText('shadow', { exact: true }).waitFor();

    // Traffic: the match rate appears without a reload; the gate refuses a canary and says why.
    await traffic('/api/products', 8);
    const gate = page.getByTestId('gate-summary');
    await waitUntil(async () => /has 100% over 8 \(8 matching 2xx\)/.test((await gate.textContent()) ?? ''), {
      timeoutMs: 10_000,
      description: 'the match rate over 8',
    });
    expect(await gate.textContent()).toContain('Not ready: needs 99% over 20 samples with 20 matching 2xx');
    const refused = await act('Promote to canary', 'too early on purpose');
    expect(refused).toContain('Promotion to canary refused');
    expect(refused).toContain('8 of 20 comparisons');

    await traffic('/api/products', 14);
    await waitUntil(async () => ((await gate.textContent()) ?? '').startsWith('Ready to promote'), { timeoutMs: 10_000, description: 'the gate ready' });
    await page.getByLabel(/^Canary share/).fill('10');
    expect(await act('Set canary to 10%', 'ten percent of callers')).toContain('done, as jane@ops');
    await page.getByText('(10% of callers on api)').waitFor();
    await trafficFromCallers('/api/products', 30);
    await page.locator('.totals').getByText(/^api /).waitFor(); // the slice now answers a share, charted per backend
    await page.locator('.chart canvas').first().waitFor();
    expect(await accessibilityProblems()).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'route-page.png'), fullPage: true });

    // A mismatch: the monolith's page and the slice's 404 side by side, the difference named.
    await traffic('/products', 3);
    await page.goto(`${gateway.adminUrl}/_offramp/dashboard/#/route/${encodeURIComponent(MISMATCHING)}`);
    await page.locator('.differences').getByText('status').waitFor();
    expect(await page.locator('.diff-side h4').allTextContents()).toEqual(['Monolith: 200', 'Slice: 404']);
    // The monolith's page differs between two of its own answers (CSRF token): learned as noise, listed, not held against the slice.
    await page.getByText('Learned noise', { exact: false }).getByText('body:*').waitFor();
    expect(await accessibilityProblems()).toEqual([]);

    // The overview: progress and the share of traffic the slice answered.
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { name: 'Traffic on slices, last hour' }).waitFor();
    await waitUntil(async () => !/^0 by slices/.test((await page.locator('.card').nth(1).locator('.muted').textContent()) ?? ''), {
      timeoutMs: 10_000,
      description: 'slice traffic in the overview',
    });
    // The route states come from their own request: the traffic card can render first (a fresh-clone CI run read all zeros here).
    await waitUntil(async () => /canary\s*1/.test((await page.locator('.states').textContent()) ?? ''), {
      timeoutMs: 10_000,
      description: 'one canary route in the overview',
    });
    expect(await page.locator('.states').textContent()).toMatch(/canary\s*1/);
    expect(await accessibilityProblems()).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'overview.png'), fullPage: true });

    // Roll back everything from the route page.
    await page.goto(`${gateway.adminUrl}/_offramp/dashboard/#/route/${encodeURIComponent(PRODUCTS)}`);
    await page.getByRole('heading', { name: PRODUCTS }).waitFor();
    expect(await act('Roll back all routes', 'incident drill')).toContain('done, as jane@ops');
    await page.locator('.facts').getByText('legacy', { exact: true }).waitFor();

    // The CLI's history shows the same changes, by the same person, for the same reasons.
    const { stdout: history } = await cli('routes', 'history', 'GET', '/api/products');
    for (const reason of ['compare the catalog slice', 'ten percent of callers', 'incident drill']) expect(history).toContain(reason);
    expect(history).toContain('jane@ops');
    expect(history).not.toContain('too early on purpose'); // refused: nothing was written

    // A change made with the CLI reaches the open page without a reload.
    const before = await page.evaluate(() => performance.timeOrigin + performance.now());
    await cli('routes', 'promote', 'GET', '/api/products', '--to', 'shadow', '--reason', 'from the terminal');
    await page.locator('.notice').getByText('from the terminal', { exact: false }).waitFor({ timeout: 5_000 });
    await page.locator('.facts').getByText('shadow', { exact: true }).waitFor({ timeout: 5_000 });
    const seenAfterMs = (await page.evaluate(() => performance.timeOrigin + performance.now())) - before;
    process.stderr.write(`dashboard e2e: a CLI change was on the open page ${Math.round(seenAfterMs)} ms after the CLI started\n`);
    // The wrong token's 401 and the refused promotion's 409 are answers the page showed; nothing else failed.
    expect(consoleErrors.filter((text) => !/status of (401|409)/.test(text))).toEqual([]);
  }, 150_000);
  it("shows each partner's deliveries and a failing partner's dead delivery, replayed from the Integrations page to the partner with a reason, the history saying who and why", async () => {
    const register = async (name: string, url: string) => {
      const response = await fetch(`${integrations.url}/_offramp/integrations/partners`, {
        method: 'POST',
        headers: { authorization: `Bearer ${INTEGRATIONS_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name, url, eventTypes: ['shop.orders.placed.v1'] }),
        signal: AbortSignal.timeout(10_000),
      });
      expect(response.status).toBe(201);
    };
    await register('acme-erp', healthyPartner.url);
    await register('flaky-wms', failingPartner.url);
    await artisan(legacy.databaseUrl, ['shop:simulate', '--orders=1', '--seed=11'], { APP_KEY: legacy.appKey });
    await waitUntil(async () => healthyPartner.received.length === 1, { timeoutMs: 30_000, description: 'the healthy partner gets the order' });

    await page.goto(`${gateway.adminUrl}/_offramp/dashboard/#/integrations`);
    await page.getByRole('heading', { name: 'Integrations' }).waitFor();
    await page.getByRole('list', { name: 'acme-erp deliveries' }).getByText('delivered 1').waitFor();
    // The failing partner: out of attempts (the retry schedule scaled down), a dead delivery with its last error.
    const flaky = page.getByRole('list', { name: 'flaky-wms deliveries' });
    await flaky.getByText('dead 1').waitFor({ timeout: 60_000 });
    expect(await flaky.textContent()).toMatch(/last error: .*503/);
    const triedWhileDown = failingPartner.received.length;
    expect(triedWhileDown).toBeGreaterThan(1);
    expect(await accessibilityProblems()).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'integrations.png'), fullPage: true });

    // The partner is back; without a reason the page asks for one and replays nothing.
    failingPartnerDown = false;
    await page.getByText('No replays yet.').waitFor();
    const flakyPanel = page.locator('section.card').filter({ has: page.getByRole('heading', { name: 'flaky-wms' }) });
    await page.getByRole('button', { name: /^Replay shop\.orders\.placed\.v1/ }).focus();
    await page.keyboard.press('Enter');
    await flakyPanel.getByRole('status').filter({ hasText: 'Say why first' }).waitFor();
    expect(failingPartner.received.length).toBe(triedWhileDown);
    // With a reason, the dead delivery replayed from the page (keyboard) reaches it.
    await flakyPanel.getByLabel(/^Reason/).fill('flaky-wms is back up');
    await page.getByRole('button', { name: /^Replay shop\.orders\.placed\.v1/ }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'queued again' }).waitFor();
    await waitUntil(async () => failingPartner.received.length > triedWhileDown, { timeoutMs: 30_000, description: 'the replayed delivery' });
    await flaky.getByText('delivered 1').waitFor({ timeout: 20_000 });
    expect(JSON.parse(failingPartner.received.at(-1)?.body ?? '{}')).toMatchObject({ type: 'shop.orders.placed.v1' });
    // The replay history (integrations' record, through the relay) says who replayed it and why.
    const replayed = page.getByRole('table', { name: 'Replay history' }).locator('tbody tr');
    await replayed.first().waitFor();
    expect(await replayed.count()).toBe(1);
    expect(await replayed.textContent()).toMatch(/jane@ops.*flaky-wms is back up.*flaky-wms: delivery .*1 queued again/s);
    expect(await accessibilityProblems()).toEqual([]);
  }, 150_000);

  it('shows the jobs pipelines ran, retries a failed one from the Pipelines page with a reason (it then runs in Node; the history says who and why), and says when pipelines is unavailable', async () => {
    const confirmations = () => smtp.mails.filter((mail) => /^Order #\d+ confirmed$/.test(mail.subject ?? '')).length;
    // Four orders, each job run in Node by pipelines: four mails.
    await artisan(legacy.databaseUrl, ['shop:simulate', '--orders=4', '--dispatch-confirmations'], { APP_KEY: legacy.appKey });
    await waitUntil(async () => confirmations() === 4, { timeoutMs: 30_000, description: 'four confirmation mails' });
    // One more, refused by the mail provider on each of its three tries: into failed_jobs.
    smtp.refuseNext(3);
    await artisan(legacy.databaseUrl, ['shop:simulate', '--orders=1', '--dispatch-confirmations', '--seed=7'], { APP_KEY: legacy.appKey });
    await waitUntil(async () => ((await adminGet('/pipelines/jobs/failed')) as { total: number }).total === 1, {
      timeoutMs: 30_000,
      description: 'one failed job',
    });

    await page.goto(`${gateway.adminUrl}/_offramp/dashboard/#/pipelines`);
    await page.getByRole('heading', { name: 'Pipelines' }).waitFor();
    await page.getByText('SendOrderConfirmation: 5 jobs in the hour', { exact: false }).waitFor();
    await page.locator('.chart canvas').first().waitFor();
    const row = page.getByRole('table', { name: 'Failed jobs' }).locator('tbody tr');
    // The failed jobs come from their own request: the page's other parts can render first.
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toMatch(/SendOrderConfirmation.*database\/offramp.*Try again later/s);
    expect(await accessibilityProblems()).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'pipelines.png'), fullPage: true });

    // Without a reason the page asks for one and retries nothing.
    await page.getByText('No retries yet.').waitFor();
    await page.getByRole('button', { name: /^Retry SendOrderConfirmation/ }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Say why first' }).waitFor();
    expect(((await adminGet('/pipelines/jobs/failed')) as { total: number }).total).toBe(1);
    // Retried from the page (keyboard) with a reason: back on the offramp queue, taken by the bridge, run in Node: the fifth mail.
    await page.getByLabel(/^Reason/).fill('mail provider back after the 451s');
    await page.getByRole('button', { name: /^Retry SendOrderConfirmation/ }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'is back on queue offramp' }).waitFor();
    await waitUntil(async () => confirmations() === 5, { timeoutMs: 30_000, description: 'the retried mail' });
    await page.getByText('None: failed_jobs is empty.').waitFor();
    // The retry history (pipelines' record, through the relay) says who retried it and why.
    const retried = page.getByRole('table', { name: 'Retry history' }).locator('tbody tr');
    await retried.first().waitFor();
    expect(await retried.count()).toBe(1);
    expect(await retried.textContent()).toMatch(/jane@ops.*mail provider back after the 451s.*SendOrderConfirmation/s);
    expect(await accessibilityProblems()).toEqual([]);

    // pipelines stopped: the page says it is unavailable, not zero jobs.
    await pipelines?.stop();
    pipelines = undefined;
    await page.reload();
    await page.getByRole('alert').filter({ hasText: 'Pipelines unavailable' }).first().waitFor();
    expect(await page.getByText('jobs in the hour', { exact: false }).count()).toBe(0);
    expect(await accessibilityProblems()).toEqual([]);
  }, 120_000);
});
