import { startNatsServer, type NatsServerHandle } from './nats-server.js';
import { freePort } from './free-port.js';

export interface ClusterNode extends NatsServerHandle {
  /** The node's server name, as JetStream reports a stream's leader. */
  readonly name: string;
}

export interface NatsCluster {
  readonly nodes: ClusterNode[];
  /** Every node's client URL, comma-separated (NATS_URL of a service that may fail over). */
  readonly url: string;
  node(name: string): ClusterNode;
  stop(): Promise<void>;
}

/** How often a cluster start is tried, each time on fresh ports. */
const START_ATTEMPTS = 3;

/**
 * Real nats-server processes on loopback as one JetStream cluster, as docker/nats/cluster.conf
 * runs them in Kubernetes: each with its own store, routes to every other node. A node that is
 * killed and restarted comes back on the same ports with the same store.
 */
export async function startNatsCluster(size = 3): Promise<NatsCluster> {
  let nodes: ClusterNode[] | undefined;
  for (let attempt = 1; nodes === undefined; attempt++) {
    try {
      nodes = await startNodes(size);
    } catch (error) {
      // A port found free can be taken by another test process before its node binds it
      // (nats-server exits: "bind: address already in use"): the whole cluster again, on new ports.
      if (attempt >= START_ATTEMPTS) throw error;
    }
  }
  const started = nodes;
  return {
    nodes: started,
    url: started.map((node) => node.url).join(','),
    node(name) {
      const found = started.find((node) => node.name === name);
      if (!found) throw new Error(`no cluster node ${name} (nodes: ${started.map((node) => node.name).join(', ')})`);
      return found;
    },
    async stop() {
      await Promise.all(started.map((node) => node.stop()));
    },
  };
}

/** Every node, or none: those that started are stopped when another one fails. */
async function startNodes(size: number): Promise<ClusterNode[]> {
  const ports = await Promise.all(Array.from({ length: size }, async () => ({ client: await freePort(), cluster: await freePort() })));
  const routes = ports.map((port) => `nats://127.0.0.1:${port.cluster}`).join(',');
  const results = await Promise.allSettled(
    ports.map(async (port, index) => {
      const name = `n${index + 1}`;
      const server = await startNatsServer({
        port: port.client,
        args: ['-n', name, '--cluster_name', 'offramp', '--cluster', `nats://127.0.0.1:${port.cluster}`, '--routes', routes],
      });
      return Object.assign(server, { name }) as ClusterNode;
    }),
  );
  const started = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((node) => node.stop()));
    throw failed.reason;
  }
  return started;
}
