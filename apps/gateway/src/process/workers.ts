import cluster from 'node:cluster';
import { ConfigError, superviseWorkers } from '@offramp/platform';

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
 * GATEWAY_WORKERS processes, each a whole gateway (the platform's superviseWorkers): the public
 * port shared through SO_REUSEPORT (the kernel spreads connections; the primary passes no
 * traffic), route tables from the same NATS KV watch, as replicas of one deployment would; each
 * with its own admin port.
 */
export function superviseGatewayWorkers(settings: WorkerSettings): Promise<number> {
  return superviseWorkers({
    name: 'gateway',
    workers: settings.workers,
    envOf: (index) => ({ GATEWAY_ADMIN_PORT: String(adminPortOf(settings, index)) }),
  });
}
