import FindMyWay from 'find-my-way';
import { HTTP_METHODS, routeId, type RouteSpec } from './route-spec.js';

export interface MatchedRoute {
  id: string;
  route: RouteSpec;
}

type Router = ReturnType<typeof FindMyWay>;
const noop = () => undefined;

/**
 * The compiled route table: a radix tree (find-my-way, as Fastify uses) keyed by method, so the
 * cost of a lookup depends on the path's length, not on the number of routes. Static segments win
 * over parameters, parameters over wildcards: the most specific pattern answers.
 */
export class RouteTable {
  private readonly router: Router;
  readonly size: number;

  constructor(readonly routes: ReadonlyMap<string, RouteSpec>) {
    this.router = FindMyWay({ ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 500 });
    for (const [id, route] of routes) {
      const methods = route.method === '*' ? [...HTTP_METHODS] : route.method.split('|');
      const store: MatchedRoute = { id, route };
      for (const pattern of expandOptional(route.path)) {
        for (const method of methods) {
          try {
            this.router.on(method as 'GET', pattern, noop, store);
          } catch (error) {
            // A duplicate of a more specific method list (GET|HEAD next to *): the first one stays.
            if (!/already declared/i.test((error as Error).message)) throw error;
          }
        }
      }
    }
    this.size = routes.size;
  }

  static from(routes: Iterable<RouteSpec>): RouteTable {
    return new RouteTable(new Map([...routes].map((route) => [routeId(route), route])));
  }

  /** The route for a request, or undefined: whatever matches nothing goes to the monolith. */
  match(method: string, url: string): MatchedRoute | undefined {
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    let found;
    try {
      found = this.router.find(method as 'GET', path);
    } catch {
      return undefined; // a method the router does not know, or a malformed path
    }
    return (found?.store as MatchedRoute | undefined) ?? undefined;
  }
}

/** `/a/:id?` → `/a/:id` and `/a`, as Laravel's optional parameters (always trailing) mean. */
function expandOptional(pattern: string): string[] {
  const segments = pattern.split('/');
  const patterns = [segments.map((segment) => segment.replace(/\?$/, '')).join('/')];
  segments.forEach((segment, index) => {
    if (segment.endsWith('?')) patterns.push(segments.slice(0, index).map((s) => s.replace(/\?$/, '')).join('/') || '/');
  });
  return patterns;
}
