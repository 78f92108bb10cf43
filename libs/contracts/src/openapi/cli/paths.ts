import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** libs/contracts, whether this runs from src (tests) or dist (scripts). */
export const CONTRACTS_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const WORKSPACE_ROOT = resolve(CONTRACTS_ROOT, '../..');
export const OPENAPI_DIR = join(CONTRACTS_ROOT, 'openapi');
export const SDK_GENERATED_DIR = join(CONTRACTS_ROOT, 'sdk/src/generated');
export const ADMIN_CLIENT_GENERATED_DIR = join(CONTRACTS_ROOT, 'src/admin-api/generated');
export const INTEGRATIONS_SDK_GENERATED_DIR = join(CONTRACTS_ROOT, 'integrations-sdk/src/generated');

/**
 * The TypeScript clients generated from a committed document: the api's SDK that frontends
 * install, the gateway admin API's client the CLI (and the dashboard) call it through, and the
 * integrations SDK (its taken-over routes and its partner admin API, which the CLI calls too).
 */
export const GENERATED_CLIENTS = [
  { service: 'api', output: SDK_GENERATED_DIR },
  { service: 'gateway', output: ADMIN_CLIENT_GENERATED_DIR },
  { service: 'integrations', output: INTEGRATIONS_SDK_GENERATED_DIR },
] as const;

export const documentPath = (service: string) => join(OPENAPI_DIR, `${service}.openapi.json`);

/** HTTP services that describe themselves: apps whose build has an `openapi.js` entry. */
export function describedServices(): string[] {
  const apps = join(WORKSPACE_ROOT, 'apps');
  return readdirSync(apps)
    .filter((app) => existsSync(join(apps, app, 'src/openapi.ts')))
    .sort();
}
