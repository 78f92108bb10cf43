import type { IncomingHttpHeaders } from 'node:http';
import { DEFER_HEADER } from '@offramp/contracts/http';
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

/** A connection-specific field, never relayed as it is. */
export function hopByHop(name: string): boolean {
  return HOP_BY_HOP.has(name);
}

export const ROUTE_HEADER = 'x-offramp-route';
export const BACKEND_HEADER = 'x-offramp-backend';

function connectionTokens(value: string | string[] | undefined): Set<string> | undefined {
  if (!value) return undefined;
  // What nearly every peer sends names no other field: no split, no Set, per message.
  if (value === 'keep-alive' || value === 'close') return undefined;
  const tokens = (Array.isArray(value) ? value.join(',') : value).split(',').map((token) => token.trim().toLowerCase());
  return new Set(tokens.filter((token) => token && token !== 'close' && token !== 'keep-alive'));
}

/** The connection a request came in on, as the forwarding headers describe it. */
export interface Peer {
  address: string;
  /** The gateway's own port the client connected to. */
  port: number;
  encrypted: boolean;
  /** The peer is a proxy listed in GATEWAY_TRUSTED_PROXIES: what it says about the client is kept. */
  trusted: boolean;
}

export interface UpstreamHeaderOptions {
  requestId: string;
  identityToken?: string;
}

const FORWARDING = new Set(['forwarded', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'x-forwarded-prefix']);

/**
 * The headers sent upstream, the same for plain requests, upgrades and shadow copies: hop-by-hop
 * fields dropped, the client's `x-offramp-identity` and `x-offramp-defer` always dropped (only the
 * gateway speaks for a user; only a slice's answer asks for the monolith's), the original Host kept so the monolith builds its links for the address the client
 * used. Every forwarding field is dropped and set anew from the connection, unless the peer is a
 * trusted proxy: a client must not choose the host, scheme or address the monolith believes.
 */
export function upstreamHeaders(source: IncomingHttpHeaders, peer: Peer, options: UpstreamHeaderOptions): Record<string, string | string[]> {
  const named = connectionTokens(source.connection);
  const headers: Record<string, string | string[]> = {};
  // Skipped while copying (no `delete`: it would turn the object into a slow dictionary for undici).
  for (const name in source) {
    if (HOP_BY_HOP.has(name) || name === IDENTITY_HEADER || name === DEFER_HEADER || FORWARDING.has(name) || named?.has(name)) continue;
    const value = source[name];
    if (value !== undefined) headers[name] = value;
  }
  const said = peer.trusted ? source : undefined;
  const priorFor = said?.['x-forwarded-for'];
  headers['x-forwarded-for'] = priorFor ? `${Array.isArray(priorFor) ? priorFor.join(', ') : priorFor}, ${peer.address}` : peer.address;
  headers['x-forwarded-proto'] = single(said?.['x-forwarded-proto']) ?? (peer.encrypted ? 'https' : 'http');
  const host = single(said?.['x-forwarded-host']) ?? source.host;
  if (host) headers['x-forwarded-host'] = host;
  headers['x-forwarded-port'] = single(said?.['x-forwarded-port']) ?? String(peer.port);
  const prefix = single(said?.['x-forwarded-prefix']);
  if (prefix) headers['x-forwarded-prefix'] = prefix;
  const forwarded = said?.['forwarded'];
  if (forwarded) headers['forwarded'] = forwarded;
  headers['x-request-id'] = options.requestId;
  if (options.identityToken) headers[IDENTITY_HEADER] = options.identityToken;
  return headers;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value || undefined;
}

export interface ClientHeaderOptions {
  requestId: string;
  routeId?: string;
  backend?: string;
  /** The upstream's origin, so that absolute redirects to it point back at the gateway. */
  upstreamOrigin: string;
  publicOrigin: string;
}

/** The upstream's response headers for the client: hop-by-hop and `x-offramp-defer` dropped, Location rewritten, Set-Cookie kept. */
export function clientHeaders(source: IncomingHttpHeaders, options: ClientHeaderOptions): Record<string, string | string[]> {
  const named = connectionTokens(source.connection);
  const headers: Record<string, string | string[]> = {};
  for (const name in source) {
    if (HOP_BY_HOP.has(name) || name === DEFER_HEADER || named?.has(name)) continue;
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
