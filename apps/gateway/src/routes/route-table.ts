import FindMyWay from 'find-my-way';
import { HTTP_METHODS, routeId, type RouteSpec } from './route-spec.js';

export interface MatchedRoute {
  id: string;
  route: RouteSpec;
}

/** A table entry and the method + pattern pairs it holds in the router (those another entry held first are not its own). */
interface Entry {
  matched: MatchedRoute;
  registered: [string, string][];
}

type Router = ReturnType<typeof FindMyWay>;
const noop = () => undefined;

/**
 * The route table: a radix tree (find-my-way, as Fastify uses) keyed by method, so the cost of a
 * lookup depends on the path's length, not on the number of routes. Static segments win over
 * parameters, parameters over wildcards: the most specific pattern answers.
 *
 * Changes are applied in place and each is atomic for the event loop: a state change only swaps
 * the entry's route object (the id is method + path, so the tree does not change); a new route
 * is inserted, a deleted one removed. Nothing is rebuilt, whatever the table's size.
 */
export class RouteTable {
  private readonly router: Router = FindMyWay({ ignoreTrailingSlash: false, ignoreDuplicateSlashes: false, maxParamLength: 500 });
  private readonly entries = new Map<string, Entry>();

  static from(routes: Iterable<RouteSpec>): RouteTable {
    const table = new RouteTable();
    for (const route of routes) table.set(routeId(route), route);
    return table;
  }

  get size(): number {
    return this.entries.size;
  }

  set(id: string, route: RouteSpec): void {
    const existing = this.entries.get(id);
    if (existing) {
      existing.matched.route = route;
      return;
    }
    const entry: Entry = { matched: { id, route }, registered: [] };
    this.entries.set(id, entry);
    for (const [method, pattern] of registrations(route)) {
      // The same method and pattern under another id (GET|HEAD next to *): the first one stays.
      if (this.router.hasRoute(method as 'GET', pattern)) continue;
      this.router.on(method as 'GET', pattern, noop, entry.matched);
      entry.registered.push([method, pattern]);
    }
  }

  /** Removes what this id registered, and only that: a pair another entry held first stays with it. */
  delete(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    for (const [method, pattern] of entry.registered) this.router.off(method as 'GET', pattern);
  }

  /** The route for a canonical path (see canonicalPath), or undefined: whatever matches nothing goes to the monolith. */
  match(method: string, url: string): MatchedRoute | undefined {
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    try {
      return (this.router.find(method as 'GET', path)?.store as MatchedRoute | undefined) ?? undefined;
    } catch {
      return undefined; // a method the router does not know, or a malformed path
    }
  }
}

function registrations(route: RouteSpec): [string, string][] {
  const methods = route.method === '*' ? [...HTTP_METHODS] : route.method.split('|');
  return expandOptional(route.path).flatMap((pattern) => methods.map((method): [string, string] => [method, pattern]));
}

/** `/a/:id?` → `/a/:id` and `/a`, as Laravel's optional parameters (always trailing) mean. */
function expandOptional(pattern: string): string[] {
  const segments = pattern.split('/');
  const patterns = [segments.map((segment) => segment.replace(/\?$/, '')).join('/')];
  segments.forEach((segment, index) => {
    if (segment.endsWith('?'))
      patterns.push(
        segments
          .slice(0, index)
          .map((s) => s.replace(/\?$/, ''))
          .join('/') || '/',
      );
  });
  return patterns;
}
