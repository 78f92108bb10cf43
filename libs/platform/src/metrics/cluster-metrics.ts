import { randomUUID } from 'node:crypto';
import { AggregatorRegistry, type Registry } from 'prom-client';
import { CLUSTER_METRICS_VARIABLE, METRICS_REQUEST } from '../bootstrap/service-workers.js';

const TIMEOUT_MS = 5_000;

/** Whether this process is a worker whose /metrics answers for all of the service's workers. */
export function sharesClusterMetrics(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[CLUSTER_METRICS_VARIABLE] === 'true' && typeof process.send === 'function';
}

/**
 * A worker's side of the cluster's metrics: its registry is the one the primary's
 * AggregatorRegistry collects, and a scrape asks the primary for the sum over every worker.
 */
export class ClusterMetrics {
  constructor(registry: Registry) {
    // Making one is what starts prom-client's answer to the primary's requests in a worker.
    new AggregatorRegistry();
    AggregatorRegistry.setRegistries([registry]);
  }

  scrape(): Promise<string> {
    const id = randomUUID();
    return new Promise((resolve, reject) => {
      const onMessage = (message: unknown) => {
        const reply = message as { type?: unknown; id?: unknown; text?: string; error?: string } | null;
        if (reply?.type !== METRICS_REQUEST || reply.id !== id) return;
        done();
        if (reply.error !== undefined) reject(new Error(`the cluster's metrics could not be collected: ${reply.error}`));
        else resolve(reply.text ?? '');
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`the cluster's metrics did not come within ${TIMEOUT_MS} ms`));
      }, TIMEOUT_MS);
      const done = () => {
        clearTimeout(timer);
        process.off('message', onMessage);
      };
      process.on('message', onMessage);
      process.send?.({ type: METRICS_REQUEST, id });
    });
  }
}
