import { join } from 'node:path';
import { startProcess, type ManagedProcess } from './child-process.js';
import { freePort } from './free-port.js';
import { tempDir, type TempDir } from './temp-dir.js';
import { answersInfo, waitUntil } from '@offramp/processes';

export interface NatsServerHandle {
  readonly port: number;
  readonly url: string;
  readonly storeDir: string;
  readonly pid: number;
  /** kill -9: no goodbye to clients, as a crash or an OOM kill would do. */
  kill9(): Promise<void>;
  /** Starts the server again on the same port and the same JetStream store. */
  restart(): Promise<void>;
  /** Stops the server and removes its store. */
  stop(): Promise<void>;
  output(): string;
}

export interface NatsServerOptions {
  /** Binary to run; `nats-server` from PATH by default. */
  binary?: string;
  port?: number;
  /**
   * A server configuration file (`-c`), e.g. docker/nats/offramp.conf with its accounts and
   * permissions. Host, port and JetStream store given here override the file's.
   */
  configFile?: string;
  /** Environment of the server process: values for the `$VARIABLE`s the configuration file uses. */
  env?: Record<string, string>;
  /** More command-line arguments, after the others. */
  args?: string[];
}

/** A real nats-server with JetStream, on a free loopback port, with its own store. */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServerHandle> {
  const port = options.port ?? (await freePort());
  const store: TempDir = tempDir('offramp-nats-');
  const binary = options.binary ?? process.env.NATS_SERVER_BIN ?? 'nats-server';
  const start = () => launch(binary, port, join(store.path, 'jetstream'), options);
  let current: ManagedProcess = await start();
  return {
    port,
    url: `nats://127.0.0.1:${port}`,
    storeDir: store.path,
    get pid() {
      return current.pid;
    },
    async kill9() {
      await current.stop('SIGKILL');
    },
    async restart() {
      if (current.isRunning()) await current.stop('SIGTERM');
      current = await start();
    },
    async stop() {
      await current.stop('SIGTERM', 5_000);
      store.remove();
    },
    output: () => current.output(),
  };
}

async function launch(binary: string, port: number, storeDir: string, options: NatsServerOptions): Promise<ManagedProcess> {
  const args = [
    ...(options.configFile ? ['-c', options.configFile] : []),
    '-a',
    '127.0.0.1',
    '-p',
    String(port),
    '-js',
    '-sd',
    storeDir,
    ...(options.args ?? []),
  ];
  const server = startProcess(binary, args, options.env ? { env: { ...process.env, ...options.env } } : {});
  try {
    // A server that exits at once (a bad configuration file) fails here, not after the timeout.
    await Promise.race([
      waitUntil(async () => server.isRunning() && (await answersInfo(port)), { timeoutMs: 10_000, description: `nats-server on port ${port}` }),
      server.exited.then((code) => Promise.reject(new Error(`nats-server exited with code ${code}`))),
    ]);
  } catch (error) {
    await server.stop('SIGKILL');
    throw new Error(`${(error as Error).message}\n${server.output()}`, { cause: error });
  }
  return server;
}
