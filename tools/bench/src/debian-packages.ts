import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface DebianPackage {
  /** The package apt-get installs. */
  name: string;
  /** Whether what the benchmark needs from it is there already. */
  present(): boolean;
}

/** Installed per dpkg (for packages that bring no binary of their own, e.g. a PHP extension). */
export function dpkgInstalled(name: string): boolean {
  const query = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return query.status === 0 && query.stdout.includes('install ok installed');
}

export function fileExists(path: string): () => boolean {
  return () => existsSync(path);
}

/**
 * Installs the missing packages with apt-get when running as root or with CI=true (saying which),
 * as tools/preflight does for PHP; otherwise stops with the exact command to run.
 */
export function ensureDebianPackages(packages: DebianPackage[], log: (line: string) => void): void {
  const missing = packages.filter((p) => !p.present()).map((p) => p.name);
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (!isRoot && process.env['CI'] !== 'true') {
    throw new Error(`missing Debian packages: ${missing.join(', ')}. Install them as root, then run the benchmark again:\n  sudo sh -c '${command}'`);
  }
  log(`installing Debian packages (apt-get): ${missing.join(' ')}`);
  const apt = isRoot ? ['apt-get'] : ['sudo', '-n', 'apt-get'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args: string[]) => execFileSync(apt[0], [...apt.slice(1), ...args], { stdio: ['ignore', 'ignore', 'inherit'], env });
  try {
    run(['update', '-qq']);
    run(['install', '-y', '-qq', '--no-install-recommends', ...missing]);
  } catch (error) {
    throw new Error(`apt-get could not install ${missing.join(' ')}: ${(error as Error).message}\n  run as root: ${command}`, { cause: error });
  }
  const still = packages.filter((p) => !p.present()).map((p) => p.name);
  if (still.length) throw new Error(`still missing after apt-get: ${still.join(', ')}`);
}
