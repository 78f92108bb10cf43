import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv, promisify } from 'node:util';
import { Kvm } from '@nats-io/kv';
import { PermissionViolationError } from '@nats-io/transport-node';
import { NatsConnectionManager } from '@offramp/messaging';
import {
  startNatsServer,
  tempDir,
  waitUntil,
  workspaceRoot,
  type NatsServerHandle,
  type ServiceProcess,
  type TempDir,
  gatewayAdmin,
  startGateway,
  writeRoutesFile,
} from '@offramp/testing';

const run = promisify(execFile);
const readEnv = (file: string) => parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;

/**
 * The gateway as production runs it (OFFRAMP_ENV=production, EdDSA, its own nkey in
 * NATS_NKEY_SEED_FILE) on a nats-server that runs
 * docker/nats/offramp.conf: it seeds, loads, changes and audits its route table and reads its
 * shadow stream without one permission violation, while the api slice's key is refused the bucket.
 */
describe('gateway route table under per-service NATS permissions (gateway process, real nats-server with docker/nats/offramp.conf)', () => {
  let dir: TempDir;
  let nats: NatsServerHandle;
  let gateway: ServiceProcess;
  let routes: { path: string; remove(): void };
  let api: NatsConnectionManager;

  beforeAll(async () => {
    dir = tempDir('offramp-gateway-nats-accounts-');
    await run(process.execPath, [join(workspaceRoot(), 'docker/make-credentials.mjs'), dir.path]);
    nats = await startNatsServer({ configFile: join(workspaceRoot(), 'docker/nats/offramp.conf'), env: readEnv(join(dir.path, 'nkeys.env')) });
    routes = writeRoutesFile(`
routes:
  - { method: GET, path: '/api/products/{id}', state: service, service: api }
  - { method: POST, path: /api/orders, state: legacy, service: api }
`);
    gateway = await startGateway({
      natsUrl: nats.url,
      // Nothing is proxied in this test: the monolith is never asked.
      legacyUrl: 'http://127.0.0.1:9',
      databaseUrl: `sqlite://${dir.path}/gateway.sqlite`,
      routesFile: routes.path,
      bucket: 'offramp_routes', // the bucket the NATS configuration names
      services: { api: 'http://127.0.0.1:9' },
      // As production runs it: its own nkey, EdDSA with the private key only it holds.
      env: { OFFRAMP_ENV: 'production', NATS_NKEY_SEED_FILE: join(dir.path, 'gateway.nk'), ...readEnv(join(dir.path, 'identity-private.env')) },
    });
    api = new NatsConnectionManager({ url: nats.url, name: 'api', security: { nkeySeedFile: join(dir.path, 'api.nk') }, inboxPrefix: '_INBOX_api' });
  });

  afterAll(async () => {
    await gateway?.stop('SIGTERM');
    await api?.close();
    await nats?.stop();
    routes?.remove();
    dir?.remove();
  });

  it('seeds and loads its route table, changes it through the admin API and reads its audit log and shadow samples', async () => {
    const listed = await waitUntil(
      async () => {
        const answer = await gatewayAdmin(gateway, 'GET', '/routes');
        return answer.status === 200 && answer.json.loaded && answer.json.count === 2 ? answer.json : undefined;
      },
      { timeoutMs: 20_000, description: 'the gateway loaded its two seeded routes' },
    );
    expect(listed.routes.map((route: { state: string }) => route.state).sort()).toEqual(['legacy', 'service']);
    // OFFRAMP_ENV=production: the public answer says nothing of the route or backend.
    const proxied = await fetch(`${gateway.url}/api/products/1`, { signal: AbortSignal.timeout(15_000) });
    expect(proxied.status).toBe(502);
    expect([proxied.headers.get('x-offramp-route'), proxied.headers.get('x-offramp-backend')]).toEqual([null, null]);

    const rollback = await gatewayAdmin(gateway, 'POST', '/routes/rollback', {
      all: true,
      by: 'nats-accounts-test',
      reason: 'written with the gateway’s own key',
    });
    expect(rollback.status).toBe(200);
    expect((await gatewayAdmin(gateway, 'GET', '/routes')).json.routes.map((route: { state: string }) => route.state)).toEqual(['legacy', 'legacy']);
    expect((await gatewayAdmin(gateway, 'GET', '/routes/history')).json.history.length).toBeGreaterThanOrEqual(3);
    expect((await gatewayAdmin(gateway, 'GET', '/diffs')).status).toBe(200);

    expect(nats.output()).not.toMatch(/Violation/);
    expect(gateway.output()).not.toMatch(/Permissions Violation/i);
  });

  it('refuses the api slice’s key the routes bucket, and the gateway’s table stays as it was', async () => {
    const nc = await api.connected();
    const bucket = await new Kvm(nc).open('offramp_routes');
    const error = await bucket
      .put('GET_HEAD._api_products._id', JSON.stringify({ route: { method: 'GET', path: '/api/products/{id}', state: 'service', service: 'api' } }))
      .then(
        () => undefined,
        (reason: Error) => reason,
      );
    expect(error?.cause).toBeInstanceOf(PermissionViolationError);
    // The server logs the violation a moment after it refused the publish.
    const logged = await waitUntil(() => /Publish Violation .*Subject "\$KV\.offramp_routes\./.test(nats.output()), {
      timeoutMs: 5_000,
      description: 'the violation in the server log',
    }).catch(() => false);
    expect(logged ? undefined : nats.output()).toBeUndefined();
    expect((await gatewayAdmin(gateway, 'GET', '/routes')).json.routes.map((route: { state: string }) => route.state)).toEqual(['legacy', 'legacy']);
  });
});
