/// <reference lib="dom" />
// The gateway admin API's client: generated types and one function per operation (./generated,
// from libs/contracts/openapi/gateway.openapi.json by `npm run contracts:openapi`), plus one helper
// to point a client at a gateway's admin listener. Used by tools/cli; the dashboard's too.
import { createClient, createConfig } from './generated/client/index.js';

export * from './generated/index.js';
export { createClient, createConfig, type Client } from './generated/client/index.js';

export interface AdminClientOptions {
  /** The gateway's admin listener (GATEWAY_ADMIN_PORT, e.g. http://127.0.0.1:8081), never its public port. */
  adminUrl: string;
  /** GATEWAY_ADMIN_TOKEN, sent as `Authorization: Bearer …`. */
  token: string;
  fetch?: typeof fetch;
}

/** A client for one gateway; pass it as `client` to any function (`listRoutes({ client })`). */
export function createAdminClient(options: AdminClientOptions) {
  return createClient(
    createConfig({ baseUrl: options.adminUrl.replace(/\/+$/, ''), headers: { authorization: `Bearer ${options.token}` }, fetch: options.fetch }),
  );
}
