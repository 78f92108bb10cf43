import { InvalidInputException } from '@offramp/platform';
import { routeFieldsSchema, routeId, type RouteSpec } from '../routes/route-spec.js';

/** A route as a caller names it: its id (`GET|HEAD /api/products/:id`), or a method and a path as written anywhere. */
export interface RouteReference {
  id?: string;
  method?: string;
  path?: string;
}

type Listed = { id: string; route: Pick<RouteSpec, 'method' | 'path'> };

/**
 * The one place a typed method and path become a route id, for every admin operation (and so for
 * the CLI, which only sends what people type). `{id}` and `:id` are the same, and so is any other
 * parameter name in the same place; a method finds the route whose method set contains it
 * (`GET` → `GET|HEAD /api/products`, `*` contains every method); without a method, the one route
 * on that path. The exact id wins; several candidates are refused (400) with their ids; no
 * candidate gives the exact id, for which the caller answers as it does for any unknown route.
 */
export function resolveRouteId(reference: RouteReference, routes: readonly Listed[]): string {
  if (reference.id && routes.some((record) => record.id === reference.id)) return reference.id;
  const [method, path] = reference.id ? splitId(reference.id) : [reference.method, reference.path];
  if (reference.id && !path) return reference.id;
  const parsed = routeFieldsSchema.pick({ method: true, path: true }).safeParse({ method: method || '*', path });
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    throw new InvalidInputException([{ name: issue?.path.join('.') || 'path', reason: issue?.message ?? 'invalid' }]);
  }
  const exact = routeId(parsed.data);
  if (routes.some((record) => record.id === exact)) return exact;
  const shape = pathShape(parsed.data.path);
  const asked = method ? parsed.data.method.split('|') : undefined;
  const candidates = routes.filter((record) => pathShape(record.route.path) === shape && (!asked || containsMethods(record.route.method, asked)));
  if (candidates.length === 1 && candidates[0]) return candidates[0].id;
  if (candidates.length > 1) {
    const ids = candidates.map((record) => record.id).sort();
    throw new InvalidInputException([
      {
        name: method ? 'method' : 'path',
        reason: `${method ? exact : parsed.data.path} names ${ids.length} routes (${ids.join(', ')}): give the method as the route has it, e.g. "${ids[0]}"`,
      },
    ]);
  }
  return exact;
}

function splitId(id: string): [string | undefined, string | undefined] {
  const space = id.indexOf(' ');
  return space === -1 ? [undefined, undefined] : [id.slice(0, space), id.slice(space + 1).trim()];
}

/** A path pattern without its parameter names: `/a/:id/b/:slug?` → `/a/:/b/:?`. */
function pathShape(pattern: string): string {
  return pattern.replace(/\/:[^/]*?(\?)?(?=\/|$)/g, '/:$1');
}

function containsMethods(routeMethod: string, asked: string[]): boolean {
  if (routeMethod === '*') return true;
  const methods = routeMethod.split('|');
  return asked.every((method) => method !== '*' && methods.includes(method));
}
