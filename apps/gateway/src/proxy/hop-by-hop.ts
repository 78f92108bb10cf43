import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { IDENTITY_HEADER } from '@offramp/platform';

/** RFC 9110 §7.6.1 connection-specific fields, plus those undici refuses to forward itself. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'http2-settings',
]);

export const ROUTE_HEADER = 'x-offramp-route';
export const BACKEND_HEADER = 'x-offramp-backend';

function connectionTokens(value: string | string[] | undefined): Set<string> | undefined {
  if (!value) return undefined;
  // What nearly every peer sends names no other field: no split, no Set, per message.
  if (value === 'keep-alive' || value === 'close') return undefined;
  const tokens = (Array.isArray(value) ? value.join(',') : value).split(',').map((token) => token.trim().toLowerCase());
  return new Set(tokens.filter((token) => token && token !== 'close' && token !== 'keep-alive'));
}

export interface UpstreamHeaderOptions {
  requestId: string;
  identityToken?: string;
  trustForwarded: boolean;
}

/**
 * The headers sent upstream: hop-by-hop fields dropped, the client's `x-offramp-identity` always
 * dropped (only the gateway speaks for a user), the original Host kept so the monolith builds its
 * links and redirects for the address the client used, and X-Forwarded-* set.
 */
export function upstreamHeaders(req: IncomingMessage, options: UpstreamHeaderOptions): Record<string, string | string[]> {
  const source = req.headers;
  const named = connectionTokens(source.connection);
  const headers: Record<string, string | string[]> = {};
  for (const name in source) {
    if (HOP_BY_HOP.has(name) || name === IDENTITY_HEADER || named?.has(name)) continue;
    const value = source[name];
    if (value !== undefined) headers[name] = value;
  }
  const clientIp = req.socket?.remoteAddress ?? '';
  const priorFor = options.trustForwarded ? source['x-forwarded-for'] : undefined;
  headers['x-forwarded-for'] = priorFor ? `${Array.isArray(priorFor) ? priorFor.join(', ') : priorFor}, ${clientIp}` : clientIp;
  if (!options.trustForwarded || !source['x-forwarded-proto']) {
    headers['x-forwarded-proto'] = (req.socket as { encrypted?: boolean } | null)?.encrypted ? 'https' : 'http';
  }
  if ((!options.trustForwarded || !source['x-forwarded-host']) && source.host) headers['x-forwarded-host'] = source.host;
  headers['x-request-id'] = options.requestId;
  if (options.identityToken) headers[IDENTITY_HEADER] = options.identityToken;
  return headers;
}

export interface ClientHeaderOptions {
  requestId: string;
  routeId?: string;
  backend?: string;
  /** The upstream's origin, so that absolute redirects to it point back at the gateway. */
  upstreamOrigin: string;
  publicOrigin: string;
}

/** The upstream's response headers for the client: hop-by-hop dropped, Location rewritten, Set-Cookie kept. */
export function clientHeaders(source: IncomingHttpHeaders, options: ClientHeaderOptions): Record<string, string | string[]> {
  const named = connectionTokens(source.connection);
  const headers: Record<string, string | string[]> = {};
  for (const name in source) {
    if (HOP_BY_HOP.has(name) || named?.has(name)) continue;
    const value = source[name];
    if (value !== undefined) headers[name] = value;
  }
  const location = headers['location'];
  if (typeof location === 'string' && location.startsWith(options.upstreamOrigin)) {
    const rest = location.slice(options.upstreamOrigin.length);
    if (rest === '' || rest.startsWith('/') || rest.startsWith('?')) headers['location'] = options.publicOrigin + rest;
  }
  headers['x-request-id'] = options.requestId;
  if (options.routeId !== undefined) headers[ROUTE_HEADER] = options.routeId;
  if (options.backend !== undefined) headers[BACKEND_HEADER] = options.backend;
  return headers;
}
