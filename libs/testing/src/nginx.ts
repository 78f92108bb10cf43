import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startProcess, type ManagedProcess } from './child-process.js';
import { freePort } from './free-port.js';
import { tempDir } from './temp-dir.js';
import { httpStatus, waitUntil } from '@offramp/processes';

const CANDIDATES = ['/usr/sbin/nginx', '/usr/bin/nginx'];

/** Debian's nginx (package nginx-light, which the preflight installs), or undefined. */
export function nginxBinary(): string | undefined {
  return CANDIDATES.find((path) => existsSync(path));
}

/**
 * nginx as it stands in front of an app server: a reverse proxy with one worker process,
 * keep-alive to the upstream and the usual forwarding headers, no access log.
 */
export function nginxProxyConfig(prefix: string, port: number, upstreamPort: number): string {
  return `worker_processes 1;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'logs/error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${join(prefix, 'body')};
  proxy_temp_path ${join(prefix, 'proxy')};
  upstream app { server 127.0.0.1:${upstreamPort}; keepalive 128; }
  server {
    listen 127.0.0.1:${port};
    keepalive_requests 1000000;
    # Uploads of any size, as an app that takes files configures it.
    client_max_body_size 0;
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
    }
  }
}
`;
}

/** Starts nginx in the foreground (no daemon, no master) with a config in `prefix`. */
export function startNginxProcess(binary: string, prefix: string, port: number, upstreamPort: number): ManagedProcess {
  mkdirSync(join(prefix, 'logs'), { recursive: true });
  const config = join(prefix, 'nginx.conf');
  writeFileSync(config, nginxProxyConfig(prefix, port, upstreamPort));
  return startProcess(binary, ['-p', prefix, '-c', config, '-g', 'daemon off; master_process off;']);
}

export interface NginxProxy extends ManagedProcess {
  port: number;
  url: string;
  /** Stops nginx and removes its folder. */
  close(): Promise<void>;
}

/** A real nginx on a free loopback port in front of `upstreamPort`, ready when it returns. */
export async function startNginxProxy(upstreamPort: number): Promise<NginxProxy> {
  const binary = nginxBinary();
  if (!binary) throw new Error("nginx is not installed: run `npm run preflight` (it installs Debian's nginx-light)");
  const port = await freePort();
  const folder = tempDir('offramp-nginx-');
  const nginx = startNginxProcess(binary, folder.path, port, upstreamPort);
  try {
    await waitUntil(
      async () => {
        if (!nginx.isRunning()) throw new Error(`nginx exited: ${nginx.output()}`);
        return (await httpStatus(`http://127.0.0.1:${port}/`)) !== undefined;
      },
      { timeoutMs: 10_000, intervalMs: 50, description: 'nginx listening' },
    );
  } catch (error) {
    await nginx.stop('SIGKILL');
    folder.remove();
    throw error;
  }
  return Object.assign(nginx, {
    port,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await nginx.stop('SIGTERM');
      folder.remove();
    },
  });
}
