/// <reference lib="dom" />
// The Offramp integrations SDK: generated types and functions (./generated, from
// libs/contracts/openapi/integrations.openapi.json) plus one helper to point a client at a server.
import { createClient, createConfig } from './generated/client/index.js';

export * from './generated/index.js';
export { createClient, createConfig } from './generated/client/index.js';

export interface IntegrationsClientOptions {
  /** The gateway for the taken-over routes, the slice itself for the partner admin API; no trailing slash. */
  baseUrl: string;
  /** Extra headers on every request (the admin API wants `authorization: Bearer <INTEGRATIONS_ADMIN_TOKEN>`). */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

/** A client for one server; pass it as `client` to any SDK function. */
export function createIntegrationsClient(options: IntegrationsClientOptions) {
  return createClient(createConfig({ baseUrl: options.baseUrl, headers: options.headers, fetch: options.fetch }));
}
