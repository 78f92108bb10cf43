import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nginxBinary, nginxProxyConfig, startNginxProcess, startProcess, type ManagedProcess } from '@offramp/testing';

/** Debian's nginx; installed with apt-get (package nginx-light) when missing and we are root, as the preflight does. */
export function findOrInstallNginx(log: (line: string) => void): string | undefined {
  const found = nginxBinary();
  if (found) return found;
  if (process.getuid?.() !== 0) {
    log("nginx is not installed and we are not root: install Debian's nginx-light to include the nginx baseline");
    return undefined;
  }
  log("installing Debian's nginx-light (apt-get) for the nginx baseline…");
  try {
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'nginx-light'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } catch {
    execFileSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'] });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'nginx-light'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
  return nginxBinary();
}

/**
 * nginx as a reverse proxy: the configuration the tests use (keep-alive to the upstream), one worker
 * process as they run it, or `workers` worker processes under nginx's master for the multi-worker row.
 */
export function startNginx(binary: string, prefix: string, port: number, upstreamPort: number, workers = 1): ManagedProcess {
  if (workers === 1) return startNginxProcess(binary, prefix, port, upstreamPort);
  mkdirSync(join(prefix, 'logs'), { recursive: true });
  const config = join(prefix, 'nginx.conf');
  writeFileSync(config, nginxProxyConfig(prefix, port, upstreamPort).replace(/^worker_processes 1;/m, `worker_processes ${workers};`));
  // The master forks the workers (master_process off would ignore worker_processes); SIGTERM to it stops them.
  return startProcess(binary, ['-p', prefix, '-c', config, '-g', 'daemon off;']);
}
