import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startService, type ServiceProcess } from './service-process.js';

// The real gateway as e2e tests of every app put it in front of the monolith and the slices.

/** The admin token the gateway started by `startGateway` takes. */
export const E2E_ADMIN_TOKEN = 'e2e-admin-token-0123456789';
/** The HS256 identity key of that gateway: give it to the slices behind it (IDENTITY_TOKEN_SECRET). */
export const E2E_IDENTITY_SECRET = 'e2e-identity-secret-0123456789abcdef';

export interface ProxiedAnswer {
  status: number;
  backend: string | null;
  route: string | null;
  headers: Headers;
  body: string;
}

/** A request through the gateway, as a client sends it (no redirects followed). */
export async function throughGateway(gateway: { url: string }, path: string, init: RequestInit = {}): Promise<ProxiedAnswer> {
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
export async function gatewayAdmin(gateway: { adminUrl: string }, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${gateway.adminUrl}/_offramp/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
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
  /** How long it may take to answer /health/live (the harness's default otherwise). */
  timeoutMs?: number;
}

/** The gateway as a child process; its admin API, /metrics and health answer on `adminUrl`, never on `url`. */
export function startGateway(options: GatewayOptions): Promise<ServiceProcess> {
  return startService({
    app: 'gateway',
    adminPortVariable: 'GATEWAY_ADMIN_PORT',
    timeoutMs: options.timeoutMs,
    env: {
      NATS_URL: options.natsUrl,
      LEGACY_URL: options.legacyUrl,
      DATABASE_URL: options.databaseUrl,
      GATEWAY_ROUTES_FILE: options.routesFile,
      GATEWAY_ROUTES_BUCKET: options.bucket,
      GATEWAY_SERVICES: Object.entries(options.services ?? {})
        .map(([name, url]) => `${name}=${url}`)
        .join(','),
      GATEWAY_ADMIN_TOKEN: E2E_ADMIN_TOKEN,
      IDENTITY_TOKEN_SECRET: E2E_IDENTITY_SECRET,
      LOG_LEVEL: 'warn',
      ...options.env,
    },
  });
}
