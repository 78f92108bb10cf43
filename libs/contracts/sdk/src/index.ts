/// <reference lib="dom" />
// The Offramp api SDK: generated types and functions (./generated, from
// libs/contracts/openapi/api.openapi.json) plus one helper to point a client at a server.
import { createClient, createConfig } from './generated/client/index.js';

export * from './generated/index.js';
export { createClient, createConfig } from './generated/client/index.js';

export interface ApiClientOptions {
  /** e.g. https://shop.example.com (the gateway), no trailing slash. */
  baseUrl: string;
  /** Extra headers on every request (server-to-server callers pass x-offramp-identity here). */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

/** A client for one server; pass it as `client` to any SDK function. */
export function createApiClient(options: ApiClientOptions) {
  return createClient(createConfig({ baseUrl: options.baseUrl, headers: options.headers, fetch: options.fetch }));
}
