import cluster, { type Worker } from 'node:cluster';
import { ConfigError } from '@offramp/platform';

/** Set in a worker's environment: which of GATEWAY_WORKERS it is (1-based). */
export const WORKER_INDEX_VARIABLE = 'OFFRAMP_GATEWAY_WORKER';

export interface WorkerSettings {
  workers: number;
  adminPort: number;
}

/** Whether this process starts the gateway itself (one process, or a cluster worker) rather than supervising workers. */
export function runsTheGateway(settings: WorkerSettings): boolean {
  return settings.workers <= 1 || !cluster.isPrimary;
}

/**
 * The admin port of each worker: its own, so that /metrics and health are read per process (as
 * per replica behind a load balancer) instead of from whichever worker the kernel picks.
 */
export function adminPortOf(settings: WorkerSettings, index: number): number {
  const port = settings.adminPort + index - 1;
  if (port > 65_535) {
    throw new ConfigError(
      'GATEWAY_WORKERS',
      `${settings.workers} workers need admin ports up to ${port}, above 65535 (GATEWAY_ADMIN_PORT ${settings.adminPort})`,
    );
  }
  return port;
}

/**
 * GATEWAY_WORKERS processes, each a whole gateway: the public port shared through SO_REUSEPORT
 * (the kernel spreads connections; the primary passes no traffic), route tables from the same NATS
 * KV watch, as replicas of one deployment would. No restarts here: a worker that exits takes the
 * others down with its exit code, so the supervisor (systemd, Kubernetes) sees one failing service
 * instead of a process that lives on at reduced capacity, and a config error (78) is not looped.
 */
export function superviseWorkers(settings: WorkerSettings, log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Promise<number> {
  const ports = Array.from({ length: settings.workers }, (_, index) => adminPortOf(settings, index + 1));
  const workers = new Set<Worker>();
  let exitCode: number | undefined;
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
    ports.forEach((adminPort, index) => {
      const worker = cluster.fork({ [WORKER_INDEX_VARIABLE]: String(index + 1), GATEWAY_ADMIN_PORT: String(adminPort) });
      workers.add(worker);
      worker.on('exit', (code, signal) => {
        workers.delete(worker);
        if (exitCode === undefined) {
          exitCode = code ?? 1;
          log(`gateway: worker ${index + 1} (pid ${worker.process.pid}) exited (${signal ?? code}); stopping the others`);
          stopAll('SIGTERM');
        }
        if (workers.size === 0) {
          process.off('SIGTERM', onSignal);
          process.off('SIGINT', onSignal);
          resolve(exitCode);
        }
      });
    });
  });
}
