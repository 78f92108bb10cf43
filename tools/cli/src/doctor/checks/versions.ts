import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fail, ok, reason, warn, type CheckResult } from '../check-result.js';

const run = promisify(execFile);

/**
 * The PHP of the monolith's tooling: Debian's php-cli that tools/preflight installs (8.2, with
 * Debian's Laravel 8.83, php-laravel-framework). Older PHP cannot run that Laravel; a newer major
 * is untested with it.
 */
export const PHP_REQUIRED = { major: 8, minor: 2 } as const;

/** `>=22.12.0` → [22, 12, 0]; undefined for a range this check does not read. */
export function minimumOf(range: string): number[] | undefined {
  const match = /^\s*>=\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(range);
  return match ? [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)] : undefined;
}

export function atLeast(version: string, minimum: number[]): boolean {
  const parts = version.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < minimum.length; i += 1) {
    const have = parts[i] ?? 0;
    const want = minimum[i] ?? 0;
    if (have !== want) return have > want;
  }
  return true;
}

/** The Node running the CLI (the one `npx` and `npm start` found on PATH) against package.json's engines. */
export function checkNode(root: string, version = process.versions.node): CheckResult {
  let range: string | undefined;
  try {
    range = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines?: { node?: string } }).engines?.node;
  } catch (error) {
    return warn('node', `Node ${version}; cannot read ${join(root, 'package.json')} (${reason(error)})`, 'run offramp doctor from the repo root');
  }
  const minimum = range ? minimumOf(range) : undefined;
  if (!range || !minimum)
    return warn('node', `Node ${version}; package.json engines.node is ${range ? `"${range}", not a >= range` : 'not set'}`, 'set engines.node to ">=X.Y.Z"');
  if (atLeast(version, minimum)) return ok('node', `Node ${version} (package.json engines: ${range})`);
  return fail(
    'node',
    `Node ${version} is older than package.json engines.node ${range}`,
    'put the project\'s Node first on PATH: npm run preflight installs it, then PATH="$PWD/.offramp/toolchain/node_modules/node/bin:$PATH"',
  );
}

/** `php` on PATH, as the monolith's commands (artisan, bin/serve) and the tests run it. */
export async function checkPhp(env: NodeJS.ProcessEnv, timeoutMs: number): Promise<CheckResult> {
  const required = `${PHP_REQUIRED.major}.${PHP_REQUIRED.minor}`;
  let version: string;
  try {
    version = (await run('php', ['-r', 'echo PHP_VERSION;'], { env, timeout: timeoutMs })).stdout.trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return warn(
        'php',
        'no php on PATH: the Node services do not need it, npm start and npm test do (the sample monolith)',
        "npm run preflight (installs php-cli with Debian's Laravel), or run the monolith elsewhere and set LEGACY_URL",
      );
    }
    return fail('php', `php -r 'echo PHP_VERSION;' failed (${reason(error)})`, 'repair the PHP installation (apt-get install --reinstall php-cli)');
  }
  const [major = NaN, minor = NaN] = version.split('.').map(Number);
  if (major === PHP_REQUIRED.major && minor >= PHP_REQUIRED.minor) return ok('php', `PHP ${version} (needs ${required}.x, as the preflight installs)`);
  return fail(
    'php',
    `PHP ${version || '(no version printed)'} on PATH; the monolith's Laravel 8.83 needs PHP ${required}.x`,
    `put PHP ${required} first on PATH (Debian: apt-get install php-cli, which npm run preflight does)`,
  );
}
