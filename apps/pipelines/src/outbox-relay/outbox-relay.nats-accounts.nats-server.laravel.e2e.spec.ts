import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv, promisify } from 'node:util';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { NatsConnectionManager } from '@offramp/messaging';
import {
  startNatsServer,
  startPartnerEndpoint,
  startService,
  startSmtpServer,
  tempDir,
  tempSqlite,
  waitUntil,
  workspaceRoot,
  type NatsServerHandle,
  type PartnerEndpoint,
  type ServiceProcess,
  type SmtpServerHandle,
  type TempDir,
  type TempSqlite,
} from '@offramp/testing';

const run = promisify(execFile);
const legacy = join(workspaceRoot(), 'apps/legacy');

/**
 * The services as production runs them, each with its own nkey (NATS_NKEY_SEED_FILE) on a
 * nats-server running docker/nats/offramp.conf: integrations creates its partner consumer; pipelines
 * declares the events streams, publishes the monolith's outbox rows (the real Laravel app wrote them)
 * on the monolith's behalf, and drains the monolith's queued SendOrderConfirmation jobs through
 * JetStream into mails; the partner gets its webhooks. Each is refused the other's consumers.
 */
describe('pipelines and integrations with their own NATS keys (pipelines and integrations processes, real Laravel app, nats-server with docker/nats/offramp.conf)', () => {
  let credentials: TempDir;
  let database: TempSqlite;
  let nats: NatsServerHandle;
  let pipelines: ServiceProcess | undefined;
  let integrations: ServiceProcess | undefined;
  let observer: NatsConnectionManager;
  let integrationsObserver: NatsConnectionManager;
  let smtp: SmtpServerHandle;
  let partner: PartnerEndpoint;

  beforeAll(async () => {
    credentials = tempDir('offramp-pipelines-nats-accounts-');
    await run(process.execPath, [join(workspaceRoot(), 'docker/make-credentials.mjs'), credentials.path]);
    nats = await startNatsServer({
      configFile: join(workspaceRoot(), 'docker/nats/offramp.conf'),
      env: parseEnv(readFileSync(join(credentials.path, 'nkeys.env'), 'utf8')) as Record<string, string>,
    });
    database = tempSqlite('shop.sqlite');
    const env = { ...process.env, DATABASE_URL: database.url, APP_KEY: 'base64:2fl+Ktvkfl+Fuz4Qp/A75G2RTiWVA/ZoKZvp6fiiM10=', LOG_CHANNEL: 'null' };
    await run('php', ['artisan', 'migrate', '--force', '--no-interaction'], { cwd: legacy, env });
    await run('php', ['artisan', 'shop:seed', '--no-interaction', '--products=5', '--users=2', '--orders=0'], { cwd: legacy, env });
    await run('php', ['artisan', 'shop:simulate', '--orders=5', '--price-changes=2', '--dispatch-confirmations'], { cwd: legacy, env });
    // Stream info is all this test reads, with pipelines' own key (its permissions allow it).
    observer = new NatsConnectionManager({
      url: nats.url,
      name: 'pipelines-observer',
      security: { nkeySeedFile: join(credentials.path, 'pipelines.nk') },
      inboxPrefix: '_INBOX_pipelines',
    });
    integrationsObserver = new NatsConnectionManager({
      url: nats.url,
      name: 'integrations-observer',
      security: { nkeySeedFile: join(credentials.path, 'integrations.nk') },
      inboxPrefix: '_INBOX_integrations',
    });
    smtp = await startSmtpServer();
    partner = await startPartnerEndpoint(() => 200);
  });

  afterAll(async () => {
    await pipelines?.stop('SIGKILL');
    await integrations?.stop('SIGKILL');
    await observer?.close();
    await integrationsObserver?.close();
    await smtp?.stop();
    await partner?.close();
    await nats?.stop();
    database?.remove();
    credentials?.remove();
  });

  it('relays every outbox row, drains the queued jobs into mails and feeds the partner consumer, without a permission violation', async () => {
    const partnerToken = 'accounts-e2e-partner-admin-0123456789';
    integrations = await startService({
      app: 'integrations',
      timeoutMs: 60_000,
      env: {
        DATABASE_URL: database.url,
        NATS_URL: nats.url,
        NATS_NKEY_SEED_FILE: join(credentials.path, 'integrations.nk'),
        LOG_LEVEL: 'warn',
        PAYMENT_WEBHOOK_SECRET: 'whsec_accounts_e2e_0123456789',
        IDENTITY_TOKEN_SECRET: 'accounts-e2e-identity-secret-0123456789abc',
        INTEGRATIONS_ADMIN_TOKEN: partnerToken,
        PARTNER_ALLOWED_CIDRS: '127.0.0.0/8',
        PARTNER_POLL_MS: '20',
      },
    });
    const registered = await fetch(`${integrations.url}/_offramp/integrations/partners`, {
      method: 'POST',
      headers: { authorization: `Bearer ${partnerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'acme', url: partner.url, eventTypes: ['shop.orders.placed.v1'] }),
    });
    expect(registered.status).toBe(201);
    const integrationsJsm = await jetstreamManager(await integrationsObserver.connected());
    await waitUntil(async () => (await integrationsJsm.consumers.info('OFFRAMP_EVENTS', 'integrations-partner-webhooks').then(() => true)) || undefined, {
      timeoutMs: 30_000,
      description: "integrations' partner consumer",
    });

    pipelines = await startService({
      app: 'pipelines',
      env: {
        DATABASE_URL: database.url,
        NATS_URL: nats.url,
        NATS_NKEY_SEED_FILE: join(credentials.path, 'pipelines.nk'),
        LOG_LEVEL: 'warn',
        MAIL_HOST: smtp.host,
        MAIL_PORT: String(smtp.port),
      },
    });
    const jsm = await jetstreamManager(await observer.connected());
    const subjects = await waitUntil(
      async () => {
        const info = await jsm.streams.info('OFFRAMP_EVENTS', { subjects_filter: 'shop.orders.>' });
        return info.state.subjects?.['shop.orders.placed.v1'] === 5 ? info.state.subjects : undefined;
      },
      { timeoutMs: 20_000, description: 'the 5 placed orders in OFFRAMP_EVENTS' },
    );
    expect(subjects).toEqual({ 'shop.orders.placed.v1': 5 });
    // the monolith queued one SendOrderConfirmation per order on the offramp queue: bridged, consumed, sent
    await waitUntil(async () => smtp.mails.length >= 5 || undefined, { timeoutMs: 30_000, description: '5 confirmation mails' });
    await waitUntil(async () => partner.received.length >= 5 || undefined, { timeoutMs: 30_000, description: '5 partner webhooks' });
    expect(smtp.mails.map((mail) => /^Order #\d+ confirmed$/.test(mail.subject ?? '')).filter(Boolean)).toHaveLength(5);
    expect(partner.received.map((got) => (JSON.parse(got.body) as { type: string }).type)).toEqual(Array(5).fill('shop.orders.placed.v1'));
    expect(nats.output()).not.toMatch(/Violation/);

    // each service's key is refused the other's consumer, and integrations may publish no event: the server says so (PermissionViolationError)
    const refused = (subject: string) => ({ cause: { operation: 'publish', subject } });
    await expect(jsm.consumers.info('OFFRAMP_EVENTS', 'integrations-partner-webhooks')).rejects.toMatchObject(
      refused('$JS.API.CONSUMER.INFO.OFFRAMP_EVENTS.integrations-partner-webhooks'),
    );
    await expect(integrationsJsm.consumers.info('OFFRAMP_EVENTS', 'pipelines-sales-aggregate')).rejects.toMatchObject(
      refused('$JS.API.CONSUMER.INFO.OFFRAMP_EVENTS.pipelines-sales-aggregate'),
    );
    await expect(jetstream(await integrationsObserver.connected()).publish('shop.orders.paid.v1', '{}')).rejects.toMatchObject(refused('shop.orders.paid.v1'));

    expect(await pipelines.stop('SIGTERM')).toBe(0);
    expect(await integrations.stop('SIGTERM')).toBe(0);
    expect(pipelines.output()).not.toMatch(/Permissions Violation|did not start/i);
    expect(integrations.output()).not.toMatch(/Permissions Violation|did not start/i);
  }, 150_000);
});
