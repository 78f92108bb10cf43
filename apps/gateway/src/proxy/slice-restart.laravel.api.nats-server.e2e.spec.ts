import { Agent, request } from 'undici';
import {
  freePort,
  startLegacyApp,
  startNatsServer,
  startService,
  tempDir,
  type LegacyApp,
  type NatsServerHandle,
  type ServiceProcess,
  E2E_IDENTITY_SECRET,
  startGateway,
  writeRoutesFile,
} from '@offramp/testing';

/**
 * A slice restarted under load, its route in `service` with fallback off: the real api stopped
 * (SIGTERM, it drains; then kill -9) and started again on the same port while 32 clients keep
 * asking the gateway for a product. Requests the slice never received (pooled connections it
 * closed, refused connections while it is away, Fastify's 503 while it closes) are sent again on
 * a fresh connection, so a clean restart costs no client a request and the breaker never opens.
 */
const CLIENTS = 32;

interface Tally {
  ok: number;
  failed: Map<string, number>;
}

describe('a slice restarted under load (real api and monolith, route in service, fallback off)', () => {
  let nats: NatsServerHandle;
  let legacy: LegacyApp;
  let api: ServiceProcess;
  let gateway: ServiceProcess;
  let apiPort: number;
  let routes: { path: string; remove(): void };
  let folder: { path: string; remove(): void };
  const agent = new Agent({ connections: CLIENTS });

  const startApi = () =>
    startService({
      app: 'api',
      port: apiPort,
      env: { DATABASE_URL: legacy.databaseUrl, NATS_URL: nats.url, IDENTITY_TOKEN_SECRET: E2E_IDENTITY_SECRET, LOG_LEVEL: 'warn' },
      timeoutMs: 60_000,
    });

  beforeAll(async () => {
    nats = await startNatsServer();
    legacy = await startLegacyApp({ env: { APP_DEBUG: 'false' } });
    apiPort = await freePort();
    api = await startApi();
    folder = tempDir('offramp-slice-restart-');
    routes = writeRoutesFile(`
routes:
  - { method: 'GET|HEAD', path: '/api/products/{id}', state: service, service: api, fallback: false }
`);
    gateway = await startGateway({
      natsUrl: nats.url,
      legacyUrl: legacy.url,
      databaseUrl: `sqlite://${folder.path}/gateway.sqlite`,
      routesFile: routes.path,
      bucket: 'slice_restart_routes',
      services: { api: api.url },
      // Long enough for the api to start again on this shared machine; the default is 3 s.
      env: { GATEWAY_RETRY_BUDGET_MS: '30000' },
    });
  }, 180_000);

  afterAll(async () => {
    await agent.close();
    await gateway?.stop();
    await api?.stop('SIGKILL');
    await legacy?.close();
    await nats?.stop();
    routes?.remove();
    folder?.remove();
  });

  /** CLIENTS loops of GET /api/products/1 until `stop` resolves; every answer but a 200 is counted by status or error code. */
  const load = (stop: Promise<void>) => {
    const tally: Tally = { ok: 0, failed: new Map() };
    let stopping = false;
    void stop.then(() => (stopping = true));
    const fail = (why: string) => tally.failed.set(why, (tally.failed.get(why) ?? 0) + 1);
    const client = async () => {
      while (!stopping) {
        try {
          const response = await request(`${gateway.url}/api/products/1`, { dispatcher: agent, headersTimeout: 60_000, bodyTimeout: 60_000 });
          const body = await response.body.text();
          if (response.statusCode === 200 && body.includes('"id":1')) tally.ok++;
          else fail(`${response.statusCode}`);
        } catch (error) {
          fail((error as { code?: string }).code ?? (error as Error).name);
        }
      }
    };
    return { tally, done: Promise.all(Array.from({ length: CLIENTS }, client)) };
  };

  const breakerState = async () => {
    const metrics = await (await fetch(`${gateway.adminUrl}/metrics`)).text();
    return metrics.split('\n').find((line) => line.startsWith('offramp_gateway_circuit_state') && line.includes('upstream="api"'));
  };

  it('costs no client a request when the slice drains on SIGTERM and comes back', async () => {
    let release!: () => void;
    const stop = new Promise<void>((resolve) => (release = resolve));
    const { tally, done } = load(stop);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const before = tally.ok;
    await api.stop('SIGTERM');
    api = await startApi();
    const restartedAt = tally.ok;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    release();
    await done;
    console.log(
      `SIGTERM restart: ${tally.ok} answered (${before} before the stop, ${tally.ok - restartedAt} after the restart), failed ${JSON.stringify([...tally.failed])}`,
    );
    expect(before).toBeGreaterThan(CLIENTS);
    expect(tally.ok - restartedAt).toBeGreaterThan(CLIENTS);
    expect([...tally.failed]).toEqual([]);
    expect((await breakerState()) ?? 'closed').not.toMatch(/ 2$/);
  }, 120_000);

  it('costs at most the requests in flight on the slice when it is killed (-9) and comes back', async () => {
    let release!: () => void;
    const stop = new Promise<void>((resolve) => (release = resolve));
    const { tally, done } = load(stop);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // At most one request per client is in flight anywhere at the kill, on the slice or before it.
    await api.stop('SIGKILL');
    api = await startApi();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    release();
    await done;
    const failed = [...tally.failed.values()].reduce((sum, count) => sum + count, 0);
    console.log(`kill -9 restart: ${tally.ok} answered, ${failed} failed ${JSON.stringify([...tally.failed])} (at most ${CLIENTS} were in flight)`);
    expect(failed).toBeLessThanOrEqual(CLIENTS);
    expect(tally.ok).toBeGreaterThan(2 * CLIENTS);
  }, 120_000);
});
