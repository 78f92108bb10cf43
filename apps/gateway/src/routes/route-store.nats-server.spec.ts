import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startNatsServer, tempDir, waitUntil, type NatsServerHandle, type TempDir } from '@offramp/testing';
import { RevisionConflict } from './route-errors.js';
import { parseRouteSpec } from './route-spec.js';
import { RouteStore } from './route-store.js';

// Writes that expect a revision, on a real nats-server's KV: what two replicas racing for the
// same key run into, recognised by JetStream's error code.
const change = { by: 'spec', at: new Date(0).toISOString(), reason: 'route store spec', action: 'set' };

describe('route store on NATS KV: expected revisions and seeding by several replicas', () => {
  let nats: NatsServerHandle;
  let nc: NatsConnection;
  let dir: TempDir;
  const stores: RouteStore[] = [];

  async function openStore(bucket: string): Promise<RouteStore> {
    const store = new RouteStore(bucket, 8, () => undefined);
    stores.push(store);
    await store.open(nc);
    return store;
  }

  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connect({ servers: nats.url });
    dir = tempDir('offramp-route-store-');
  }, 30_000);

  afterAll(async () => {
    for (const store of stores) store.close();
    await nc?.close();
    await nats?.stop();
    dir?.remove();
  });

  it('refuses a write against a revision that is no longer the last, and a create of an existing route, as RevisionConflict', async () => {
    const store = await openStore('spec_store_revisions');
    const route = parseRouteSpec({ method: 'GET', path: '/a/{id}' });
    const first = await store.put(route, change, 0);
    const second = await store.put({ ...route, state: 'shadow', service: 'api' }, change, first);
    expect(second).toBeGreaterThan(first);

    const stale = await store.put({ ...route, state: 'legacy' }, change, first).catch((error: unknown) => error);
    expect(stale).toBeInstanceOf(RevisionConflict);
    expect(stale).toMatchObject({ id: 'GET /a/:id', code: 'REVISION_CONFLICT' });
    const cause = (stale as RevisionConflict).cause;
    expect(cause).toBeInstanceOf(JetStreamApiError);
    expect((cause as JetStreamApiError).code).toBe(JetStreamApiCodes.StreamWrongLastSequence);

    await expect(store.put(route, change, 0)).rejects.toBeInstanceOf(RevisionConflict);
    await waitUntil(() => store.get('GET /a/:id')?.revision === second, { description: 'the last good write applied' });
    expect(store.get('GET /a/:id')?.route.state).toBe('shadow');
  });

  it('reads its own writes: a route changed through a store is changed in that store when put returns', async () => {
    const store = await openStore('spec_store_read_your_writes');
    const route = parseRouteSpec({ method: 'GET', path: '/b/{id}' });
    let revision = await store.put(route, change, 0);
    expect(store.get('GET /b/:id')?.revision).toBe(revision);
    for (const state of ['shadow', 'canary', 'service', 'legacy'] as const) {
      revision = await store.put({ ...route, state, service: 'api' }, change, revision);
      expect(store.get('GET /b/:id')).toMatchObject({ revision, route: { state } });
    }
  });

  it('three replicas seeding the same file at once add each route once; the bucket keeps what it has', async () => {
    const file = join(dir.path, 'routes.yaml');
    const routes = Array.from({ length: 40 }, (_, index) => `  - { method: GET, path: /seeded/${index} }`);
    writeFileSync(file, `routes:\n${routes.join('\n')}\n`);
    const [first, second, third] = await Promise.all([0, 1, 2].map(() => openStore('spec_store_seed')));
    if (!first || !second || !third) throw new Error('three replicas expected');
    const replicas = [first, second, third];
    const outcomes = await Promise.all(replicas.map((replica) => replica.seedFromFile(file)));
    expect(outcomes.reduce((sum, outcome) => sum + outcome.added, 0)).toBe(40);
    for (const outcome of outcomes) expect(outcome.added + outcome.kept).toBe(40);
    const history = await first.history();
    expect(history).toHaveLength(40);
    expect(new Set(history.map((revision) => revision.id)).size).toBe(40);

    // A later seed adds nothing: the bucket wins.
    await waitUntil(() => second.list().length === 40, { description: 'replica 2 holds the seeded table' });
    expect(await second.seedFromFile(file)).toEqual({ added: 0, kept: 40 });
  });
});
