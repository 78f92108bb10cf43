import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';

/** Set in a worker's environment: which of the service's workers it is (1-based). */
export const WORKER_INDEX_VARIABLE = 'OFFRAMP_WORKER';
/** Which of the service's workers this process is (1-based); 1 for a service run as one process. */
export function workerIndex(env: NodeJS.ProcessEnv = process.env): number {
  return Number(env[WORKER_INDEX_VARIABLE] ?? 1);
}

/** Set in a worker's environment when its /metrics answers for every worker (see ClusterMetrics). */
export const CLUSTER_METRICS_VARIABLE = 'OFFRAMP_CLUSTER_METRICS';

export interface WorkerSupervision {
  /** The service, for the supervisor's log lines. */
  name: string;
  workers: number;
  /** Variables of worker `index` (1-based) on top of the primary's, e.g. its own admin port. */
  envOf?: (index: number) => Record<string, string>;
  /**
   * Workers that share one port also share one /metrics: a scrape reaches whichever worker the
   * connection lands on, so it answers with every worker's metrics summed (prom-client's
   * AggregatorRegistry in this process, asked over the cluster's IPC).
   */
  aggregateMetrics?: boolean;
  log?: (line: string) => void;
}

export const METRICS_REQUEST = 'offramp:cluster-metrics';

/**
 * `workers` processes of the service, each a whole service started from the same entry point; the
 * primary only supervises (and, with `aggregateMetrics`, answers the workers' metrics requests).
 * No restarts here: a worker that exits takes the others down with its exit code, so the
 * supervisor (systemd, Kubernetes) sees one failing service instead of a process that lives on at
 * reduced capacity, and a config error (78) is not looped. SIGTERM/SIGINT go to every worker, and
 * the primary exits once they all have.
 */
export function superviseWorkers(supervision: WorkerSupervision): Promise<number> {
  const log = supervision.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const workers = new Set<Worker>();
  let exitCode: number | undefined;
  const aggregator = supervision.aggregateMetrics ? new AggregatorRegistry() : undefined;
  const answerMetrics = (worker: Worker, message: unknown) => {
    const request = message as { type?: unknown; id?: unknown } | null;
    if (!aggregator || request?.type !== METRICS_REQUEST) return;
    aggregator.clusterMetrics().then(
      (text) => worker.isConnected() && worker.send({ type: METRICS_REQUEST, id: request.id, text }),
      (error: Error) => worker.isConnected() && worker.send({ type: METRICS_REQUEST, id: request.id, error: error.message }),
    );
  };
  return new Promise((resolve) => {
    const stopAll = (signal: NodeJS.Signals) => {
      for (const worker of workers) worker.process.kill(signal);
    };
    const onSignal = (signal: NodeJS.Signals) => {
      exitCode ??= 0;
      stopAll(signal);
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    for (let index = 1; index <= supervision.workers; index += 1) {
      const worker = cluster.fork({
        [WORKER_INDEX_VARIABLE]: String(index),
        ...(aggregator ? { [CLUSTER_METRICS_VARIABLE]: 'true' } : {}),
        ...supervision.envOf?.(index),
      });
      workers.add(worker);
      worker.on('message', (message) => answerMetrics(worker, message));
      worker.on('exit', (code, signal) => {
        workers.delete(worker);
        if (exitCode === undefined) {
          exitCode = code ?? 1;
          log(`${supervision.name}: worker ${index} (pid ${worker.process.pid}) exited (${signal ?? code}); stopping the others`);
          stopAll('SIGTERM');
        }
        if (workers.size === 0) {
          process.off('SIGTERM', onSignal);
          process.off('SIGINT', onSignal);
          resolve(exitCode);
        }
      });
    }
  });
}
