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

/**
 * Real nats-server processes on loopback as one JetStream cluster, as docker/nats/cluster.conf
 * runs them in Kubernetes: each with its own store, routes to every other node. A node that is
 * killed and restarted comes back on the same ports with the same store.
 */
export async function startNatsCluster(size = 3): Promise<NatsCluster> {
  const ports = await Promise.all(Array.from({ length: size }, async () => ({ client: await freePort(), cluster: await freePort() })));
  const routes = ports.map((port) => `nats://127.0.0.1:${port.cluster}`).join(',');
  const nodes = await Promise.all(
    ports.map(async (port, index) => {
      const name = `n${index + 1}`;
      const server = await startNatsServer({
        port: port.client,
        args: ['-n', name, '--cluster_name', 'offramp', '--cluster', `nats://127.0.0.1:${port.cluster}`, '--routes', routes],
      });
      return Object.assign(server, { name }) as ClusterNode;
    }),
  );
  return {
    nodes,
    url: nodes.map((node) => node.url).join(','),
    node(name) {
      const found = nodes.find((node) => node.name === name);
      if (!found) throw new Error(`no cluster node ${name} (nodes: ${nodes.map((node) => node.name).join(', ')})`);
      return found;
    },
    async stop() {
      await Promise.all(nodes.map((node) => node.stop()));
    },
  };
}
