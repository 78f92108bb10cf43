import FindMyWay from 'find-my-way';
import { HTTP_METHODS, routeId, type RouteSpec } from './route-spec.js';
import { compileRoute } from './route-patterns.js';

export interface MatchedRoute {
  id: string;
  route: RouteSpec;
}

/** What the router holds per pattern: the route, and the requirement of a rest-of-path parameter (find-my-way checks none on `*`). */
interface Held {
  matched: MatchedRoute;
  rest?: RegExp;
}

/** A table entry and the method + pattern (+ host) it holds in the router (those another entry held first are not its own). */
interface Entry {
  matched: MatchedRoute;
  registered: { method: string; pattern: string; constraints?: { host: string | RegExp } }[];
}

type Router = ReturnType<typeof FindMyWay>;
const noop = () => undefined;

/** The route a request matched, and the parameters the router read (for the admin API's resolve; the proxy needs only the route). */
export interface ResolvedRoute extends MatchedRoute {
  params: Record<string, string>;
}

/**
 * The route table: a radix tree (find-my-way, as Fastify uses) keyed by method, so the cost of a
 * lookup depends on the path's length, not on the number of routes. Static segments win over
 * parameters, parameters with a requirement over those without, parameters over wildcards: the
 * most specific pattern answers. Requirements, optional parameters and hosts are compiled into
 * the tree when a route is set (route-patterns.ts); a GET route answers HEAD, as Laravel and Symfony do.
 *
 * Changes are applied in place and each is atomic for the event loop: a state change only swaps
 * the entry's route object (the id is method + host + path, so the tree does not change); a changed
 * requirement registers that one route anew; a new route is inserted, a deleted one removed. Nothing is rebuilt, whatever the table's size.
 */
export class RouteTable {
  // Requirements come from the monolith's own route definitions, written by the admin; each regex
  // runs on one bounded parameter (maxParamLength) of a path, as PHP runs it on every request.
  private readonly router: Router = FindMyWay({ ignoreTrailingSlash: false, ignoreDuplicateSlashes: false, maxParamLength: 500, allowUnsafeRegex: true });
  private readonly entries = new Map<string, Entry>();
  /** Routes bound to a host: only then is the request's host read. */
  private hostBound = 0;
  /** One object for every lookup's derived constraints: find is synchronous, so no request sees another's. */
  private readonly derived: { host: string } = { host: '' };

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
      if (sameRequirements(existing.matched.route.requirements, route.requirements)) {
        existing.matched.route = route;
        return;
      }
      // The id holds method, host and path but not the requirements the tree was compiled from: a changed one is registered anew.
      this.delete(id);
    }
    const entry: Entry = { matched: { id, route }, registered: [] };
    this.entries.set(id, entry);
    const compiled = compileRoute(route);
    const constraints = compiled.host !== undefined ? { host: compiled.host } : undefined;
    if (constraints) this.hostBound++;
    for (const method of methodsOf(route)) {
      for (const { pattern, rest } of compiled.patterns) {
        // The same method and pattern under another id (GET|HEAD next to *): the first one stays.
        if (this.router.hasRoute(method as 'GET', pattern, constraints)) continue;
        const held: Held = rest ? { matched: entry.matched, rest } : { matched: entry.matched };
        this.router.on(method as 'GET', pattern, constraints ? { constraints } : {}, noop, held);
        entry.registered.push(constraints ? { method, pattern, constraints } : { method, pattern });
      }
    }
  }

  /** Removes what this id registered, and only that: a pair another entry held first stays with it. */
  delete(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    if (entry.matched.route.host !== undefined) this.hostBound--;
    // `{}`, not undefined: without constraints find-my-way removes the host-bound routes of that pattern too.
    for (const { method, pattern, constraints } of entry.registered) this.router.off(method as 'GET', pattern, constraints ?? {});
  }

  /**
   * The route for a canonical path (see canonicalPath) and the request's Host header, or undefined:
   * whatever matches nothing goes to the monolith.
   */
  match(method: string, url: string, host?: string): MatchedRoute | undefined {
    return (this.find(method, url, host)?.store as Held | undefined)?.matched;
  }

  /** As match, with the parameters the router read. */
  resolve(method: string, url: string, host?: string): ResolvedRoute | undefined {
    const found = this.find(method, url, host);
    if (!found) return undefined;
    // find-my-way's params object has no prototype; the admin API answers plain JSON.
    const params: Record<string, string> = {};
    for (const name in found.params) params[name] = found.params[name] ?? '';
    return { ...(found.store as Held).matched, params };
  }

  /** find-my-way's answer (its one allocation per lookup; none of ours on the proxy path), after the checks it cannot make. */
  private find(method: string, url: string, host: string | undefined): { store: unknown; params: Record<string, string | undefined> } | undefined {
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    let derived: { host: string } | undefined;
    if (this.hostBound > 0 && host) {
      this.derived.host = hostName(host);
      derived = this.derived;
    }
    try {
      const found = this.router.find(method as 'GET', path, derived);
      const held = found?.store as Held | undefined;
      if (!found || !held) return undefined;
      if (held.rest && !held.rest.test(found.params['*'] ?? '')) return undefined;
      // A parameter is never empty in Laravel and Symfony (`[^/]++`); find-my-way takes `/` for `/:a`.
      // Only a trailing or doubled slash can leave one empty: the other paths skip the check.
      if ((path.charCodeAt(path.length - 1) === 47 || path.includes('//')) && hasEmptyParam(found.params)) return undefined;
      return found;
    } catch {
      return undefined; // a method the router does not know, or a malformed path
    }
  }
}

function hasEmptyParam(params: Record<string, string | undefined>): boolean {
  for (const name in params) if (params[name] === '' && name !== '*') return true;
  return false;
}

function sameRequirements(before: RouteSpec['requirements'], after: RouteSpec['requirements']): boolean {
  const names = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const name of names) if (before?.[name] !== after?.[name]) return false;
  return true;
}

/** `*` is every method; a route that allows GET answers HEAD too. */
function methodsOf(route: RouteSpec): string[] {
  if (route.method === '*') return [...HTTP_METHODS];
  const methods = route.method.split('|');
  return methods.includes('GET') && !methods.includes('HEAD') ? [...methods, 'HEAD'] : methods;
}

/** The Host header as the frameworks compare it: without the port, lowercase (`Shop.Example.com:8080` → `shop.example.com`). */
export function hostName(header: string): string {
  const end = header.startsWith('[') ? header.indexOf(']') + 1 : header.indexOf(':');
  const name = end > 0 ? header.slice(0, end) : header;
  return name.toLowerCase();
}
