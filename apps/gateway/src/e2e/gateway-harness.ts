import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Shared by the gateway's e2e specs. The specs pass @offramp/testing's startService in, so this
// helper (not a spec itself) stays inside the app's module boundaries.
type StartServiceOptions = { app: string; env: Record<string, string>; adminPortVariable?: string };

export const ADMIN_TOKEN = 'e2e-admin-token-0123456789';
export const IDENTITY_SECRET = 'e2e-identity-secret-0123456789abcdef';

export interface ProxiedAnswer {
  status: number;
  backend: string | null;
  route: string | null;
  headers: Headers;
  body: string;
}

/** A request through the gateway, as a client sends it (no redirects followed). */
export async function through(gateway: { url: string }, path: string, init: RequestInit = {}): Promise<ProxiedAnswer> {
  const response = await fetch(`${gateway.url}${path}`, { redirect: 'manual', ...init, signal: AbortSignal.timeout(15_000) });
  const body = await response.text();
  return {
    status: response.status,
    backend: response.headers.get('x-offramp-backend'),
    route: response.headers.get('x-offramp-route'),
    headers: response.headers,
    body,
  };
}

/** Calls the admin API with the token; returns status and JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests pick fields out of the admin API's JSON
export async function admin(gateway: { adminUrl: string }, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${gateway.adminUrl}/_offramp/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

export function writeRoutesFile(yaml: string): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'offramp-routes-'));
  const path = join(dir, 'routes.yaml');
  writeFileSync(path, yaml);
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface GatewayOptions {
  natsUrl: string;
  legacyUrl: string;
  databaseUrl: string;
  routesFile: string;
  bucket: string;
  services?: Record<string, string>;
  env?: Record<string, string>;
}

/** The gateway as a child process; its admin API, /metrics and health answer on `adminUrl`, never on `url`. */
export function startGateway<S>(startService: (options: StartServiceOptions) => Promise<S>, options: GatewayOptions): Promise<S> {
  return startService({
    app: 'gateway',
    adminPortVariable: 'GATEWAY_ADMIN_PORT',
    env: {
      NATS_URL: options.natsUrl,
      LEGACY_URL: options.legacyUrl,
      DATABASE_URL: options.databaseUrl,
      GATEWAY_ROUTES_FILE: options.routesFile,
      GATEWAY_ROUTES_BUCKET: options.bucket,
      GATEWAY_SERVICES: Object.entries(options.services ?? {})
        .map(([name, url]) => `${name}=${url}`)
        .join(','),
      GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN,
      IDENTITY_TOKEN_SECRET: IDENTITY_SECRET,
      LOG_LEVEL: 'warn',
      ...options.env,
    },
  });
}
