import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv, promisify } from 'node:util';
import { jetstreamManager } from '@nats-io/jetstream';
import { NatsConnectionManager } from '@offramp/messaging';
import {
  startNatsServer,
  startService,
  tempDir,
  tempSqlite,
  waitUntil,
  workspaceRoot,
  type NatsServerHandle,
  type ServiceProcess,
  type TempDir,
  type TempSqlite,
} from '@offramp/testing';

const run = promisify(execFile);
const legacy = join(workspaceRoot(), 'apps/legacy');

/**
 * The relay as production runs it: pipelines with its own nkey (NATS_NKEY_SEED_FILE) on a
 * nats-server running docker/nats/offramp.conf declares the events streams and publishes the
 * monolith's outbox rows (the real Laravel app wrote them) on the monolith's behalf.
 */
describe('pipelines relays the monolith’s events with its own NATS key (pipelines process, real Laravel app, nats-server with docker/nats/offramp.conf)', () => {
  let credentials: TempDir;
  let database: TempSqlite;
  let nats: NatsServerHandle;
  let pipelines: ServiceProcess | undefined;
  let observer: NatsConnectionManager;

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
    await run('php', ['artisan', 'shop:simulate', '--orders=5', '--price-changes=2'], { cwd: legacy, env });
    // Stream info is all this test reads, with pipelines' own key (its permissions allow it).
    observer = new NatsConnectionManager({
      url: nats.url,
      name: 'pipelines-observer',
      security: { nkeySeedFile: join(credentials.path, 'pipelines.nk') },
      inboxPrefix: '_INBOX_pipelines',
    });
  });

  afterAll(async () => {
    await pipelines?.stop('SIGKILL');
    await observer?.close();
    await nats?.stop();
    database?.remove();
    credentials?.remove();
  });

  it('publishes every outbox row to OFFRAMP_EVENTS, shop.orders.placed.v1 among them, without a permission violation', async () => {
    pipelines = await startService({
      app: 'pipelines',
      env: { DATABASE_URL: database.url, NATS_URL: nats.url, NATS_NKEY_SEED_FILE: join(credentials.path, 'pipelines.nk'), LOG_LEVEL: 'warn' },
    });
    const jsm = await jetstreamManager(await observer.connected());
    const subjects = await waitUntil(
      async () => {
        const info = await jsm.streams.info('OFFRAMP_EVENTS', { subjects_filter: '>' });
        return info.state.messages === 12 ? info.state.subjects : undefined;
      },
      { timeoutMs: 20_000, description: '12 events (5 orders with their stock changes, 2 price changes) in OFFRAMP_EVENTS' },
    );
    expect(subjects).toEqual({ 'shop.orders.placed.v1': 5, 'shop.products.stock_changed.v1': 5, 'shop.products.price_changed.v1': 2 });
    expect(await pipelines.stop('SIGTERM')).toBe(0);
    expect(nats.output()).not.toMatch(/Violation/);
    expect(pipelines.output()).not.toMatch(/Permissions Violation|did not start/i);
  });
});
