import { join } from 'node:path';
import { startProcess, type ManagedProcess } from './child-process.js';
import { freePort } from './free-port.js';
import { httpStatus, waitUntil } from '@offramp/processes';
import { serviceNodeArgs, workspaceRoot } from '@offramp/processes';

export interface ServiceProcess extends ManagedProcess {
  readonly port: number;
  readonly url: string;
  /** Where health, metrics and (for the gateway) the admin API answer: `url` unless the service has an admin listener. */
  readonly adminUrl: string;
}

export interface StartServiceOptions {
  /** Project folder name under apps/, e.g. `api`. Runs its build output, apps/<app>/dist/main.js. */
  app: string;
  env?: Record<string, string | undefined>;
  port?: number;
  /**
   * The variable naming the service's admin listener port (the gateway's `GATEWAY_ADMIN_PORT`):
   * a free port is chosen for it and health is awaited there.
   */
  adminPortVariable?: string;
  /** Port of the admin listener (with adminPortVariable); a free one by default. */
  adminPort?: number;
  /** Wait until GET /health/live answers (default) or return at once. */
  waitForLive?: boolean;
  timeoutMs?: number;
}

/** Starts one of our services as a real child process on a free port. */
export async function startService(options: StartServiceOptions): Promise<ServiceProcess> {
  const port = options.port ?? (await freePort());
  const root = workspaceRoot();
  const entry = join(root, 'apps', options.app, 'dist', 'main.js');
  const adminPort = options.adminPortVariable ? (options.adminPort ?? (await freePort())) : undefined;
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_PRETTY: 'false', ...options.env };
  if (options.adminPortVariable && adminPort !== undefined) env[options.adminPortVariable] = String(adminPort);
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  const child = startProcess(process.execPath, [...serviceNodeArgs(options.app, root), entry], { cwd: root, env });
  const url = `http://127.0.0.1:${port}`;
  const adminUrl = adminPort === undefined ? url : `http://127.0.0.1:${adminPort}`;
  const service: ServiceProcess = Object.assign(child, { port, url, adminUrl });
  if (options.waitForLive === false) return service;
  try {
    // A service that exits at once (a configuration error) fails here, not after the timeout.
    await Promise.race([
      waitUntil(async () => (await httpStatus(`${adminUrl}/health/live`)) === 200, {
        timeoutMs: options.timeoutMs ?? 20_000,
        intervalMs: 100,
        description: `${options.app} /health/live`,
      }),
      child.exited.then((code) => Promise.reject(new Error(`${options.app} exited with code ${code} before it was live`))),
    ]);
  } catch (error) {
    await child.stop('SIGKILL');
    throw new Error(`${(error as Error).message}\n--- ${options.app} output ---\n${child.output()}`, { cause: error });
  }
  return service;
}
