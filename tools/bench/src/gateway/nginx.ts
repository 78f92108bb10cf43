import { execFileSync } from 'node:child_process';
import { nginxBinary, startNginxProcess } from '@offramp/testing';

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

/** nginx as a reverse proxy: the same configuration the tests use (one worker, keep-alive to the upstream). */
export const startNginx = startNginxProcess;
