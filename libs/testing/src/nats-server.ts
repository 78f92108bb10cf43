import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { startProcess, type ManagedProcess } from './child-process.js';
import { freePort } from './free-port.js';
import { tempDir, type TempDir } from './temp-dir.js';
import { waitUntil } from './wait-until.js';

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
}

/** A real nats-server with JetStream, on a free loopback port, with its own store. */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServerHandle> {
  const port = options.port ?? (await freePort());
  const store: TempDir = tempDir('offramp-nats-');
  const binary = options.binary ?? process.env.NATS_SERVER_BIN ?? 'nats-server';
  let current: ManagedProcess = await launch(binary, port, join(store.path, 'jetstream'));
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
      current = await launch(binary, port, join(store.path, 'jetstream'));
    },
    async stop() {
      await current.stop('SIGTERM', 5_000);
      store.remove();
    },
    output: () => current.output(),
  };
}

async function launch(binary: string, port: number, storeDir: string): Promise<ManagedProcess> {
  const server = startProcess(binary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir]);
  try {
    await waitUntil(async () => server.isRunning() && (await answersInfo(port)), {
      timeoutMs: 10_000,
      description: `nats-server on port ${port}`,
    });
  } catch (error) {
    await server.stop('SIGKILL');
    throw new Error(`${(error as Error).message}\n${server.output()}`, { cause: error });
  }
  return server;
}

/** True once the server greets a TCP client with its INFO line. */
export function answersInfo(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('data', (data) => done(data.toString('utf8').startsWith('INFO')));
    socket.once('error', () => done(false));
  });
}
