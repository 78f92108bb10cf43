import { AckPolicy, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { startNatsCluster, waitUntil, type NatsCluster } from '@offramp/testing';
import { routeKey } from './route-key.js';
import { isWrongLastSequence } from './route-errors.js';
import { parseRouteSpec, type RouteRecord, type RouteSpec } from './route-spec.js';
import { RouteStore, type RouteTransition } from './route-store.js';

// The route watch when the node that holds its consumer dies (kill -9, as in the 3-node soak): the
// watch's consumer has one replica, so it dies with its node, and nothing tells the client.
const BUCKET = 'failover_routes';
const change = { by: 'spec', at: new Date(0).toISOString(), reason: 'route store failover spec', action: 'set' };

/** The node that holds the route store's watch consumer (the only consumer on the bucket's stream). */
async function watchConsumerNode(jsm: JetStreamManager): Promise<string> {
  return waitUntil(
    async () => {
      const consumers = await jsm.consumers
        .list(`KV_${BUCKET}`)
        .next()
        .catch(() => []);
      return consumers.length === 1 ? consumers[0]?.cluster?.leader : undefined;
    },
    { timeoutMs: 15_000, description: 'the route watch consumer and its node' },
  );
}

/** Whether the cluster creates a consumer on the bucket's stream now (a throwaway one, deleted at once). */
async function canMakeConsumer(jsm: JetStreamManager): Promise<boolean> {
  try {
    const probe = await jsm.consumers.add(`KV_${BUCKET}`, { ack_policy: AckPolicy.None, inactive_threshold: nanos(10_000) });
    await jsm.consumers.delete(`KV_${BUCKET}`, probe.name).catch(() => undefined);
    return true;
  } catch {
    return false;
  }
}

describe('route store on a 3-node JetStream cluster: the node holding the watch consumer dies', () => {
  let cluster: NatsCluster;
  let admin: NatsConnection;
  let gateway: NatsConnection;
  let store: RouteStore;
  const transitions: RouteTransition[] = [];

  beforeAll(async () => {
    cluster = await startNatsCluster(3);
    const options = { servers: cluster.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 };
    admin = await connect(options);
    await waitUntil(async () => (await new Kvm(admin).create(BUCKET, { history: 8, replicas: 3 }).catch(() => undefined)) !== undefined, {
      timeoutMs: 30_000,
      description: 'the R3 route bucket (once the cluster has a meta leader)',
    });
    gateway = await connect(options);
    store = new RouteStore(BUCKET, 8, (_table, changed) => transitions.push(...changed));
    await store.open(gateway);
  }, 60_000);

  afterAll(async () => {
    store?.close();
    await gateway?.close();
    await admin?.close();
    await cluster?.stop();
  }, 30_000);

  it('sees the routes written after the kill within seconds, each revision once', async () => {
    const jsm = await jetstreamManager(admin);
    const kv = await new Kvm(admin).open(BUCKET);
    /**
     * Another replica's write, retried through the elections, that makes one revision: `expected`
     * is the key's revision it replaces (0: a new key), so a retry of a write that did land is refused.
     */
    const writeOnce = (path: string, route: RouteSpec, expected: number) => {
      const key = routeKey(`GET ${path}`);
      const value = JSON.stringify({ route, change } satisfies RouteRecord);
      return waitUntil(
        async () => {
          try {
            await (expected === 0 ? kv.create(key, value) : kv.update(key, value, expected));
            return true;
          } catch (error) {
            return isWrongLastSequence(error) ? true : undefined;
          }
        },
        { timeoutMs: 30_000, description: `route ${path} written by the other replica` },
      );
    };
    await store.put(parseRouteSpec({ method: 'GET', path: '/before' }), change, 0);
    expect(store.get('GET /before')).toBeDefined();

    const node = await watchConsumerNode(jsm);
    await cluster.node(node).kill9();
    const ids: string[] = [];
    for (const path of ['/after/1', '/after/2', '/after/3']) {
      await writeOnce(path, parseRouteSpec({ method: 'GET', path }), 0);
      ids.push(`GET ${path}`);
    }
    const storedAt = Date.now();
    // The watch can only be made again once the cluster makes consumers: when the dead node was the
    // meta leader that takes an election, which on a loaded CI machine can outlast the writes by
    // many seconds (a fresh-clone CI run timed out here while the writes had already landed).
    await waitUntil(() => canMakeConsumer(jsm), { timeoutMs: 60_000, intervalMs: 200, description: 'the cluster making consumers again' });
    const consumersAt = Date.now();
    // The library alone notices a dead ordered consumer after two missed 30 s heartbeats (60-90 s).
    await waitUntil(() => ids.every((id) => store.get(id)), { timeoutMs: 30_000, intervalMs: 50, description: 'the routes added while a node was down' });
    process.stdout.write(
      `route watch after the watch node died: consumers made again ${consumersAt - storedAt} ms after the last write, routes seen ${Date.now() - storedAt} ms after it\n`,
    );
    for (const id of ids) expect(transitions.filter((transition) => transition.id === id)).toHaveLength(1);

    // The node comes back; a change after that is seen too, and nothing is applied twice.
    await cluster.node(node).restart();
    await writeOnce('/after/1', parseRouteSpec({ method: 'GET', path: '/after/1', state: 'shadow', service: 'api' }), store.get('GET /after/1')?.revision ?? 0);
    await waitUntil(() => store.get('GET /after/1')?.route.state === 'shadow', { timeoutMs: 15_000, description: 'a change after the node returned' });
    expect(transitions.filter((transition) => transition.id === 'GET /after/1')).toHaveLength(2);
  }, 120_000);
});
