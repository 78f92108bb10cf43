import type { IncomingMessage } from 'node:http';
import type { CallerIdentity } from '../identity/identity-provider.js';
import type { RouteSpec } from '../routes/route-spec.js';

export type BackendChoice = 'legacy' | 'service';

/** Testers force a backend with this request header… */
export const FORCE_HEADER = 'x-offramp-force';
/** …or this cookie (`offramp_force=service`). */
export const FORCE_COOKIE = 'offramp_force';

/**
 * Which backend answers a canary request. The same caller always lands on the same side: the key
 * is the user, else the monolith's session id, else the client address. The key alone (not the
 * route) decides, so raising the percentage only adds callers and a caller sees one system.
 */
export function chooseCanaryBackend(
  req: IncomingMessage,
  route: Pick<RouteSpec, 'canaryPercent'>,
  _routeId: string,
  caller: CallerIdentity,
  testers: ReadonlySet<string>,
): BackendChoice {
  const forced = forcedBackend(req);
  if (forced && caller.identity && (testers.has(caller.identity.userId) || (caller.identity.email !== undefined && testers.has(caller.identity.email)))) {
    return forced;
  }
  return canaryBucket(stickyKey(req, caller)) < route.canaryPercent * 100 ? 'service' : 'legacy';
}

export function stickyKey(req: IncomingMessage, caller: CallerIdentity): string {
  if (caller.identity) return `user:${caller.identity.userId}`;
  if (caller.sessionId) return `session:${caller.sessionId}`;
  return `ip:${req.socket.remoteAddress ?? ''}`;
}

/** 0-9999, stable for a key (FNV-1a), so percentages have two decimals. */
export function canaryBucket(key: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % 10_000;
}

function forcedBackend(req: IncomingMessage): BackendChoice | undefined {
  const header = req.headers[FORCE_HEADER];
  if (header === 'legacy' || header === 'service') return header;
  const cookie = req.headers.cookie;
  if (!cookie?.includes(FORCE_COOKIE)) return undefined;
  const match = new RegExp(`(?:^|;\\s*)${FORCE_COOKIE}=(legacy|service)(?:;|$)`).exec(cookie);
  return match?.[1] as BackendChoice | undefined;
}
