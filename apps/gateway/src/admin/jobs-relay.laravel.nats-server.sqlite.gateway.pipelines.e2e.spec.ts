// The dashboard's jobs pages read pipelines through the gateway's admin API: the real gateway and
// the real pipelines slice (built dist) on the monolith's tables (its migrations, on SQLite) and a
// real nats-server; the slice's admin token stays in the gateway.
import { FailedJobsTable } from '@offramp/messaging';
import { createDataSourceOptions } from '@offramp/persistence';
import {
  artisan,
  startNatsServer,
  startService,
  tempDir,
  tempSqlite,
  TEST_APP_KEY,
  type NatsServerHandle,
  type ServiceProcess,
  type TempDir,
  type TempSqlite,
} from '@offramp/testing';
import { DataSource } from 'typeorm';

/** Services start slowly on a machine shared with other work: generous, never a timing assertion. */
const STARTUP_TIMEOUT_MS = 60_000;
const ADMIN_TOKEN = 'jobs-relay-e2e-gateway-admin-0123';
const PIPELINES_TOKEN = 'jobs-relay-e2e-pipelines-admin-0123';

describe('jobs admin API relayed by the gateway (real gateway, pipelines, nats-server, Laravel tables)', () => {
  let nats: NatsServerHandle;
  let database: TempSqlite;
  let sessions: TempDir;
  let db: DataSource;
  let pipelines: ServiceProcess | undefined;
  let gateway: ServiceProcess;
  let failedUuid: string;

  beforeAll(async () => {
    nats = await startNatsServer();
    database = tempSqlite('jobs-relay.sqlite');
    sessions = tempDir('jobs-relay-sessions-');
    await artisan(database.url, ['migrate', '--force']);
    await artisan(database.url, ['shop:seed', '--products=5', '--users=2', '--orders=0']);
    await artisan(database.url, ['shop:simulate', '--orders=1', '--dispatch-confirmations']);
    db = new DataSource(createDataSourceOptions({ url: database.url, poolSize: 1 }));
    await db.initialize();
    // the job Laravel queued, failed for good in Node (as LaravelJobRunner records it)
    const [job] = (await db.query('SELECT payload FROM jobs')) as Array<{ payload: string }>;
    await db.query('DELETE FROM jobs');
    failedUuid = crypto.randomUUID();
    await new FailedJobsTable(db).record(db, {
      uuid: failedUuid,
      connection: 'database',
      queue: 'offramp',
      payload: job.payload,
      exception: 'Error: SMTP 451\n  at x',
    });
    pipelines = await startService({
      app: 'pipelines',
      timeoutMs: STARTUP_TIMEOUT_MS,
      // the bridge off: the retried job stays in `jobs`, where this test finds it
      env: { DATABASE_URL: database.url, NATS_URL: nats.url, LOG_LEVEL: 'warn', QUEUE_BRIDGE_ENABLED: 'false', PIPELINES_ADMIN_TOKEN: PIPELINES_TOKEN },
    });
    gateway = await startService({
      app: 'gateway',
      timeoutMs: STARTUP_TIMEOUT_MS,
      adminPortVariable: 'GATEWAY_ADMIN_PORT',
      env: {
        NATS_URL: nats.url,
        DATABASE_URL: database.url,
        GATEWAY_ROUTES_BUCKET: 'jobs_relay_e2e_routes',
        GATEWAY_SERVICES: `pipelines=${pipelines.url}`,
        GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN,
        GATEWAY_PIPELINES_ADMIN_TOKEN: PIPELINES_TOKEN,
        IDENTITY_TOKEN_SECRET: 'jobs-relay-e2e-identity-secret-0123456789',
        APP_KEY: TEST_APP_KEY,
        SESSION_FILES: sessions.path,
        LOG_LEVEL: 'warn',
      },
    });
  }, 180_000);

  afterAll(async () => {
    await gateway?.stop('SIGTERM');
    await pipelines?.stop('SIGTERM');
    await db?.destroy();
    await nats?.stop();
    database?.remove();
    sessions?.remove();
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test picks fields out of the admin API's JSON
  async function admin(method: string, path: string, token = ADMIN_TOKEN, body?: unknown): Promise<{ status: number; type: string | null; json: any }> {
    const response = await fetch(`${gateway.adminUrl}/_offramp/admin/pipelines/jobs${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type'), json: text ? JSON.parse(text) : undefined };
  }

  const why = { by: 'jane@ops', reason: 'SMTP relay fixed' };

  it('lists the failed job and retries it back onto its queue with who and why, recorded and listed; a second retry is a 404 of the slice', async () => {
    const failed = await admin('GET', '/failed');
    expect(failed.status).toBe(200);
    expect(failed.json).toEqual({
      total: 1,
      failedJobs: [expect.objectContaining({ uuid: failedUuid, job: 'App\\Jobs\\SendOrderConfirmation', queue: 'offramp', exception: 'Error: SMTP 451' })],
    });
    // no reason: refused by the gateway naming the field, the job still failed, nothing recorded
    for (const body of [undefined, { by: 'jane@ops' }, { reason: '' }]) {
      const refused = await admin('POST', `/failed/${failedUuid}/retry`, ADMIN_TOKEN, body);
      expect(refused.status).toBe(400);
      expect(refused.type).toMatch(/^application\/problem\+json/);
      expect(refused.json['invalid-params']).toEqual([{ name: 'reason', reason: 'say why: the reason goes into the audit log' }]);
    }
    expect(await db.query('SELECT uuid FROM failed_jobs')).toEqual([{ uuid: failedUuid }]);
    expect((await admin('GET', '/retries')).json).toEqual({ retries: [] });
    const retried = await admin('POST', `/failed/${failedUuid}/retry`, ADMIN_TOKEN, why);
    expect(retried).toMatchObject({ status: 200, json: { uuid: failedUuid, queue: 'offramp' } });
    const history = await admin('GET', '/retries?limit=5');
    expect(history.status).toBe(200);
    expect(history.json.retries).toEqual([
      {
        id: expect.any(String),
        uuid: failedUuid,
        job: 'App\\Jobs\\SendOrderConfirmation',
        queue: 'offramp',
        actor: 'jane@ops',
        reason: 'SMTP relay fixed',
        at: expect.any(String),
      },
    ]);
    expect(await db.query(`SELECT queue FROM jobs`)).toEqual([{ queue: 'offramp' }]);
    expect(await db.query('SELECT uuid FROM failed_jobs')).toEqual([]);
    const again = await admin('POST', `/failed/${failedUuid}/retry`, ADMIN_TOKEN, why);
    expect(again.status).toBe(404);
    expect(again.type).toMatch(/^application\/problem\+json/);
    expect(again.json).toMatchObject({ status: 404, slice: 'pipelines' });
  });

  it("passes the slice's bad-input problem on, and asks for the gateway's own token", async () => {
    const bad = await admin('GET', '/rates?minutes=0');
    expect(bad.status).toBe(400);
    expect(bad.json['invalid-params']).toEqual([expect.objectContaining({ name: 'minutes' })]);
    expect((await admin('GET', '/rates', PIPELINES_TOKEN)).status).toBe(401);
    const rates = await admin('GET', '/rates?minutes=5');
    expect(rates.status).toBe(200);
    expect(rates.json.classes.map((c: { jobClass: string }) => c.jobClass)).toContain('App\\Jobs\\SendOrderConfirmation');
    expect(rates.json.classes[0].points).toHaveLength(5);
  });

  it('answers 503 naming pipelines while the slice is down', async () => {
    await pipelines?.stop('SIGTERM');
    pipelines = undefined;
    const down = await admin('GET', '/failed');
    expect(down.status).toBe(503);
    expect(down.type).toMatch(/^application\/problem\+json/);
    expect(down.json).toMatchObject({ status: 503, code: 'slice_unavailable', slice: 'pipelines' });
    expect(down.json.detail).toMatch(/^pipelines is unavailable/);
  });
});
