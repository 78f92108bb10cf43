import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { jetstreamManager } from '@nats-io/jetstream';
import { NatsConnectionManager } from '@offramp/messaging';
import {
  startNatsServer,
  startService,
  tempSqlite,
  waitUntil,
  workspaceRoot,
  type NatsServerHandle,
  type ServiceProcess,
  type TempSqlite,
} from '@offramp/testing';

const run = promisify(execFile);
const legacy = join(workspaceRoot(), 'apps/legacy');

describe('pipelines runs the outbox relay (real Laravel app, nats-server, service process)', () => {
  let server: NatsServerHandle;
  let database: TempSqlite;
  let pipelines: ServiceProcess | undefined;
  let nats: NatsConnectionManager;

  beforeAll(async () => {
    database = tempSqlite('shop.sqlite');
    const env = { ...process.env, DATABASE_URL: database.url, APP_KEY: 'base64:2fl+Ktvkfl+Fuz4Qp/A75G2RTiWVA/ZoKZvp6fiiM10=', LOG_CHANNEL: 'null' };
    await run('php', ['artisan', 'migrate', '--force', '--no-interaction'], { cwd: legacy, env });
    await run('php', ['artisan', 'shop:seed', '--no-interaction', '--products=20', '--users=3', '--orders=0'], { cwd: legacy, env });
    await run('php', ['artisan', 'shop:simulate', '--orders=40', '--price-changes=10'], { cwd: legacy, env });
    server = await startNatsServer();
    nats = new NatsConnectionManager({ url: server.url, name: 'pipelines-test' });
  });

  afterAll(async () => {
    await pipelines?.stop('SIGKILL');
    await nats?.close();
    await server?.stop();
    database?.remove();
  });

  it('publishes the rows the monolith wrote, reports them in /metrics and stops cleanly on SIGTERM', async () => {
    pipelines = await startService({ app: 'pipelines', env: { DATABASE_URL: database.url, NATS_URL: server.url, LOG_LEVEL: 'warn' } });
    const jsm = await jetstreamManager(await nats.connected());
    await waitUntil(async () => (await jsm.streams.info('OFFRAMP_EVENTS')).state.messages === 90, {
      timeoutMs: 20_000,
      description: '90 events in OFFRAMP_EVENTS',
    });

    const metrics = await (await fetch(`${pipelines.url}/metrics`)).text();
    expect(metrics).toMatch(/^offramp_outbox_relay_published_total\{service="pipelines"\} 90$/m);
    expect(metrics).toMatch(/^offramp_outbox_relay_rows_per_second\{service="pipelines"\} \d/m);
    expect(metrics).toMatch(/^offramp_outbox_relay_lag_seconds\{service="pipelines"\} \d/m);
    expect(metrics).toMatch(/^offramp_outbox_relay_commit_to_publish_seconds_count\{service="pipelines"\} 90$/m);
    expect((await fetch(`${pipelines.url}/health/ready`)).status).toBe(200);

    expect(await pipelines.stop('SIGTERM')).toBe(0);
    expect(pipelines.output()).not.toMatch(/did not finish/);
  });
});
