import type { KvEntry } from '@nats-io/kv';
import { routeChangeSchema, routeSpecSchema, type RouteRecord } from './route-spec.js';

/** One revision of a key of the routes bucket, as the gateway reads it. */
export type StoredRoute = { kind: 'route'; record: RouteRecord } | { kind: 'deleted' } | { kind: 'invalid'; reason: string };

/**
 * Decodes a revision of the routes bucket. Anyone with write access to the bucket can put any bytes
 * under a route's key (`nats kv put`, a broken tool): such a value is `invalid` with the reason,
 * never an exception, so that one key cannot stop the watch that every route change comes through.
 */
export function decodeStoredRoute(entry: KvEntry): StoredRoute {
  if (entry.operation !== 'PUT') return { kind: 'deleted' };
  let value: unknown;
  try {
    value = entry.json<unknown>();
  } catch {
    return { kind: 'invalid', reason: 'not JSON' };
  }
  const route = routeSpecSchema.safeParse((value as { route?: unknown } | null)?.route);
  if (!route.success) return { kind: 'invalid', reason: `route: ${firstIssue(route.error.issues)}` };
  // Routing needs the route only: a change record that does not read still leaves the route in force.
  const change = routeChangeSchema.safeParse((value as { change?: unknown }).change);
  return {
    kind: 'route',
    record: { route: route.data, change: change.success ? change.data : unreadableChange(entry, firstIssue(change.error.issues)) },
  };
}

/** Who changed a route when its stored change is missing or malformed: the audit log says so instead of failing. */
function unreadableChange(entry: KvEntry, reason: string): RouteRecord['change'] {
  return { by: 'unknown', at: entry.created.toISOString(), reason: `change record not readable: ${reason}`, action: 'unknown' };
}

function firstIssue(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  const [issue] = issues;
  if (!issue) return 'invalid';
  return issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message;
}
