import { startNatsServer, type NatsServerHandle } from './nats-server.js';
import { startService, type ServiceProcess } from './service-process.js';
import { tempSqlite, type TempSqlite } from './temp-dir.js';
import { httpStatus, waitUntil } from '@offramp/processes';

/**
 * What every Offramp service promises through the shared bootstrap, checked against the built app
 * as a real process with a real nats-server and a real SQLite file. Each app's spec calls this.
 */
export function describeServiceFoundation(app: string, extraEnv: Record<string, string> = {}, options: { adminPortVariable?: string } = {}): void {
  describe(`${app} service foundation (real nats-server, SQLite, child process)`, () => {
    let nats: NatsServerHandle;
    let db: TempSqlite;
    let service: ServiceProcess;

    beforeAll(async () => {
      nats = await startNatsServer();
      db = tempSqlite();
      service = await startService({ app, adminPortVariable: options.adminPortVariable, env: { ...extraEnv, NATS_URL: nats.url, DATABASE_URL: db.url } });
    });

    afterAll(async () => {
      await service?.stop('SIGKILL');
      await nats?.stop();
      db?.remove();
    });

    it('is live at once and ready once NATS and the database answer', async () => {
      expect(await httpStatus(`${service.adminUrl}/health/live`)).toBe(200);
      await waitUntil(async () => (await httpStatus(`${service.adminUrl}/health/ready`)) === 200, { timeoutMs: 10_000, description: 'ready' });
      const body = await (await fetch(`${service.adminUrl}/health/ready`)).json();
      expect(body).toMatchObject({ status: 'ok', info: { nats: { status: 'up' }, database: { status: 'up' } } });
    });

    it('echoes the caller’s x-request-id and makes one when there is none', async () => {
      const echoed = await fetch(`${service.adminUrl}/health/live`, { headers: { 'x-request-id': 'req-123' } });
      expect(echoed.headers.get('x-request-id')).toBe('req-123');
      const made = await fetch(`${service.adminUrl}/health/live`);
      expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('answers unknown routes with problem+json and no internals', async () => {
      const response = await fetch(`${service.url}/no/such/route`);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await response.json()).toMatchObject({ type: 'about:blank', title: 'Not Found', status: 404 });
    });

    it('exposes Prometheus metrics with request durations by route template and status', async () => {
      await fetch(`${service.adminUrl}/health/live`);
      const response = await fetch(`${service.adminUrl}/metrics`);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await response.text();
      expect(text).toMatch(
        new RegExp(`http_server_request_duration_seconds_count\\{service="${app}",method="GET",route="/health/live",status_code="200"\\} \\d+`),
      );
      expect(text).toContain('process_resident_memory_bytes');
    });

    it('turns unready within 5 s of NATS being killed and ready again when it is back, without a restart', async () => {
      await waitUntil(async () => (await httpStatus(`${service.adminUrl}/health/ready`)) === 200, { timeoutMs: 10_000, description: 'ready before the kill' });
      const killedAt = Date.now();
      await nats.kill9();
      await waitUntil(async () => (await httpStatus(`${service.adminUrl}/health/ready`)) === 503, { timeoutMs: 5_000, description: '503 after NATS died' });
      const unreadyAfterMs = Date.now() - killedAt;
      expect(await httpStatus(`${service.adminUrl}/health/live`)).toBe(200);

      await nats.restart();
      const restartedAt = Date.now();
      await waitUntil(async () => (await httpStatus(`${service.adminUrl}/health/ready`)) === 200, {
        timeoutMs: 15_000,
        description: 'ready after NATS came back',
      });
      process.stderr.write(`[${app}] unready ${unreadyAfterMs} ms after NATS kill; ready ${Date.now() - restartedAt} ms after restart\n`);
      expect(service.isRunning()).toBe(true);
    });

    it('stops on SIGTERM with exit code 0 after draining', async () => {
      const code = await service.stop('SIGTERM', 15_000);
      expect(code).toBe(0);
      expect(service.output()).toMatch(/"msg":"stopped"/);
    });

    it.each([
      ['DATABASE_URL', 'postgress://db/shop'],
      ['NATS_URL', 'http://127.0.0.1:4222'],
      ['PORT', 'eighty'],
    ])('refuses to start with a malformed %s, naming it in one line', async (variable, value) => {
      const broken = await startService({ app, env: { ...extraEnv, NATS_URL: nats.url, DATABASE_URL: db.url, [variable]: value }, waitForLive: false });
      expect(await broken.exited).toBe(78);
      const lines = broken.output().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^${app}: configuration error: ${variable}: .+`));
    });
  });
}
