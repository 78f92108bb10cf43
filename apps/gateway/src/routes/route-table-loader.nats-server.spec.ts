import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NatsConnectionManager } from '@offramp/messaging';
import { ConfigError } from '@offramp/platform';
import { freePort, startNatsServer, tempDir, waitUntil, type NatsServerHandle, type TempDir } from '@offramp/testing';
import { MismatchStore } from '../shadow/mismatch-store.js';
import { ShadowStats } from '../shadow/shadow-stats.js';
import { RouteStore } from './route-store.js';
import { RouteTable } from './route-table.js';
import { RouteTableLoader } from './route-table-loader.js';

// The table a gateway routes by before and after NATS answers: the file first, then the bucket
// (seeded from the file), on a real nats-server that starts only after the gateway did.
class Table {
  current = RouteTable.from([]);
  setRoutes(table: RouteTable): void {
    this.current = table;
  }
  get routes(): RouteTable {
    return this.current;
  }
}

describe('route table loader: the file until NATS answers, then the bucket', () => {
  let dir: TempDir;
  let nats: NatsServerHandle | undefined;
  const managers: NatsConnectionManager[] = [];
  const loaders: RouteTableLoader[] = [];

  function loader(routesFile: string, natsUrl: string, bucket: string, statsBucket = `${bucket}_stats`) {
    const manager = new NatsConnectionManager({ url: natsUrl, name: 'loader-spec' });
    managers.push(manager);
    const table = new Table();
    const store = new RouteStore(bucket, 8, (next) => table.setRoutes(next));
    const loading = new RouteTableLoader(
      { routesFile, bucket },
      manager,
      table,
      store,
      new ShadowStats(statsBucket),
      new MismatchStore(`${bucket.toUpperCase()}_SHADOW`, { maxAgeSeconds: 3_600, perRoute: 5 }),
    );
    loaders.push(loading);
    return { loading, table, store };
  }

  beforeAll(() => {
    dir = tempDir('offramp-route-loader-');
  });

  afterAll(async () => {
    for (const each of loaders) each.onApplicationShutdown();
    // close() while the first connect is under way would leave that connection open: connected first.
    await Promise.all(managers.map(async (manager) => (await manager.connected()).isClosed() || manager.close()));
    await nats?.stop();
    dir?.remove();
  });

  it('routes by the file while NATS is down, then by the bucket it seeded, and says when it is loaded', async () => {
    const file = join(dir.path, 'routes.yaml');
    writeFileSync(file, 'routes:\n  - { method: GET, path: /api/products, state: shadow, service: api }\n  - { method: POST, path: /api/orders }\n');
    const port = await freePort();
    const { loading, table, store } = loader(file, `nats://127.0.0.1:${port}`, 'spec_loader');
    await loading.onModuleInit();
    expect(table.routes.match('GET', '/api/products')?.route.state).toBe('shadow');
    expect(table.routes.size).toBe(2);
    expect(loading.loaded).toBe(false);

    nats = await startNatsServer({ port });
    await waitUntil(() => loading.loaded, { timeoutMs: 20_000, description: 'loaded from NATS' });
    expect(store.list().map((record) => [record.id, record.change.action])).toEqual([
      ['POST /api/orders', 'seed'],
      ['GET /api/products', 'seed'],
    ]);
    // The table is the bucket's now: a change there reaches it.
    const products = store.get('GET /api/products');
    if (!products) throw new Error('GET /api/products was seeded');
    await store.put({ ...products.route, state: 'legacy' }, { by: 'spec', at: new Date().toISOString(), reason: 'spec', action: 'set' });
    await waitUntil(() => table.routes.match('GET', '/api/products')?.route.state === 'legacy', { description: 'the change applied' });
  }, 30_000);

  it('retries what failed while the gateway runs, and stops retrying when it stops', async () => {
    if (!nats) throw new Error('the first test starts nats-server');
    const file = join(dir.path, 'retried.yaml');
    writeFileSync(file, 'routes:\n  - { method: GET, path: /retried }\n');
    // A stats bucket name NATS KV refuses: the shadow stores never open, so loading fails every time.
    const { loading, store } = loader(file, nats.url, 'spec_retried', 'not.a.bucket');
    await loading.onModuleInit();
    await waitUntil(() => store.get('GET /retried') !== undefined, { description: 'the route store opened and seeded' });
    expect(loading.loaded).toBe(false);
    let settled = false;
    void loading.settled().then(() => (settled = true));
    loading.onApplicationShutdown();
    await waitUntil(() => settled, { timeoutMs: 10_000, description: 'the retries stopped' });
    expect(loading.loaded).toBe(false);
  });

  it('a routes file that does not parse is a ConfigError naming GATEWAY_ROUTES_FILE, and nothing is loaded', async () => {
    const file = join(dir.path, 'broken.yaml');
    writeFileSync(file, 'routes:\n  - { method: FETCH, path: /x }\n');
    if (!nats) throw new Error('the first test starts nats-server');
    const { loading, table } = loader(file, nats.url, 'spec_broken');
    const error = await loading.onModuleInit().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('GATEWAY_ROUTES_FILE');
    expect((error as ConfigError).message).toMatch(/^GATEWAY_ROUTES_FILE: .*broken\.yaml: routes\[0\]\.method: expected \* or methods/);
    expect(table.routes.size).toBe(0);
    await loading.settled();
    expect(loading.loaded).toBe(false);
  });
});
