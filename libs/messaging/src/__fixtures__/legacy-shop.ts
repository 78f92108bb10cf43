// Test fixture: the real Laravel monolith (apps/legacy) writing outbox rows through its own code.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startProcess, workspaceRoot, type ManagedProcess } from '@offramp/testing';

const run = promisify(execFile);
const legacy = () => join(workspaceRoot(), 'apps/legacy');
const TEST_APP_KEY = 'base64:2fl+Ktvkfl+Fuz4Qp/A75G2RTiWVA/ZoKZvp6fiiM10=';

function legacyEnv(databaseUrl: string): NodeJS.ProcessEnv {
  return { ...process.env, DATABASE_URL: databaseUrl, APP_KEY: TEST_APP_KEY, APP_ENV: 'testing', LOG_CHANNEL: 'null', CACHE_DRIVER: 'array' };
}

/** Runs the monolith's migrations and a small seed on the database. */
export async function prepareLegacyDatabase(databaseUrl: string, products = 40): Promise<void> {
  const options = { cwd: legacy(), env: legacyEnv(databaseUrl), timeout: 60_000 };
  await run('php', ['artisan', 'migrate', '--force', '--no-interaction'], options);
  await run('php', ['artisan', 'shop:seed', '--no-interaction', `--products=${products}`, '--users=5', '--orders=0'], options);
}

/** `php artisan shop:simulate`: orders and price edits through PlaceOrder / AdminProductController. */
export function simulateShopTraffic(databaseUrl: string, orders: number, priceChanges: number, seed = 1): ManagedProcess {
  return startProcess('php', ['artisan', 'shop:simulate', `--orders=${orders}`, `--price-changes=${priceChanges}`, `--seed=${seed}`], {
    cwd: legacy(),
    env: legacyEnv(databaseUrl),
  });
}
