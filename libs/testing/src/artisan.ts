import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { workspaceRoot } from '@offramp/processes';

const run = promisify(execFile);

/** A fixed test key: the monolith and a slice under test must share APP_KEY. */
export const TEST_APP_KEY = 'base64:2fl+Ktvkfl+Fuz4Qp/A75G2RTiWVA/ZoKZvp6fiiM10=';

/**
 * `php artisan …` of the monolith (apps/legacy) on the given database, non-interactive, bounded
 * to `timeoutMs`; resolves with its standard output. `env` adds or overrides variables.
 */
export async function artisan(databaseUrl: string, args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<string> {
  const { stdout } = await run('php', ['artisan', ...args, '--no-interaction'], {
    cwd: join(workspaceRoot(), 'apps/legacy'),
    env: { ...process.env, DATABASE_URL: databaseUrl, APP_KEY: TEST_APP_KEY, APP_ENV: 'testing', LOG_CHANNEL: 'null', ...env },
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}
