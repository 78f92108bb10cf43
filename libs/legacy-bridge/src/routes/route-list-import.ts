/** A route of the monolith as the gateway's table takes it: `GET|HEAD`, `/api/products/{id}`. */
export interface ImportedRoute {
  method: string;
  path: string;
  name?: string;
  /** Laravel: the route's middleware as `route:list` names them (group names such as `web` unexpanded). */
  middleware?: string[];
  /**
   * Laravel: whether the monolith checks the CSRF token on this route (the `web` group, or
   * VerifyCsrfToken named on the route). Absent when the list does not say (Symfony, or no middleware column).
   */
  csrf?: boolean;
}

export class RouteListFormatError extends Error {}

/** Laravel: `php artisan route:list --json` — [{ method: "GET|HEAD", uri: "api/products/{id}", name, action, … }]. */
export function importLaravelRouteList(json: string): ImportedRoute[] {
  const list = parse(json);
  if (!Array.isArray(list)) throw new RouteListFormatError('expected the JSON array printed by `php artisan route:list --json`');
  return list.map((entry, index) => {
    const route = entry as { method?: unknown; uri?: unknown; name?: unknown; middleware?: unknown };
    if (typeof route.method !== 'string' || typeof route.uri !== 'string') {
      throw new RouteListFormatError(`route ${index}: expected "method" and "uri" strings (Laravel's route:list --json)`);
    }
    const middleware = middlewareList(route.middleware, index);
    return {
      method: normalizeMethods(route.method),
      path: `/${route.uri.replace(/^\/+/, '')}`,
      ...(typeof route.name === 'string' && route.name ? { name: route.name } : {}),
      ...(middleware ? { middleware, csrf: middleware.some(checksCsrf) } : {}),
    };
  });
}

/** `["web","auth"]` (Laravel 8's --json) or `"web\nauth"` (older lists); absent stays absent. */
function middlewareList(value: unknown, index: number): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = typeof value === 'string' ? value.split('\n') : value;
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) {
    throw new RouteListFormatError(`route ${index}: expected "middleware" to be a list of names (Laravel's route:list --json)`);
  }
  return list.map((item) => item.trim()).filter(Boolean);
}

/**
 * Laravel's `web` group carries VerifyCsrfToken (route:list shows group names, not their content);
 * a route may also name the middleware class itself. An app whose `web` group lacks it, or whose
 * VerifyCsrfToken::$except covers the path, sets `csrf: false` on the route.
 */
function checksCsrf(middleware: string): boolean {
  return middleware === 'web' || /(^|\\)VerifyCsrfToken(:|$)/.test(middleware);
}

/** Symfony: `bin/console debug:router --format=json` — { name: { path: "/blog/{slug}", method: "GET|HEAD" | "ANY", requirements } }. */
export function importSymfonyRouteList(json: string): ImportedRoute[] {
  const routes = parse(json);
  if (!routes || typeof routes !== 'object' || Array.isArray(routes)) {
    throw new RouteListFormatError('expected the JSON object printed by `bin/console debug:router --format=json`');
  }
  return Object.entries(routes as Record<string, unknown>).map(([name, entry]) => {
    const route = entry as { path?: unknown; method?: unknown; requirements?: unknown };
    if (typeof route.path !== 'string') throw new RouteListFormatError(`route ${name}: expected a "path" string (Symfony's debug:router --format=json)`);
    const requirements = (route.requirements && typeof route.requirements === 'object' ? route.requirements : {}) as Record<string, unknown>;
    return { method: typeof route.method === 'string' ? normalizeMethods(route.method) : '*', path: symfonyPath(route.path, requirements), name };
  });
}

/**
 * `{page<\d+>?1}` → `{page?}` (inline requirement and default dropped, optional kept); a trailing
 * parameter that may contain slashes (requirement `.+` or `.*`) becomes the catch-all `*`.
 */
function symfonyPath(path: string, requirements: Record<string, unknown>): string {
  return path.replace(/\{(\w+)(<[^>]*>)?(\?[^}]*)?\}/g, (_whole, name: string, inline: string | undefined, optional: string | undefined, offset: number) => {
    const requirement = inline ? inline.slice(1, -1) : requirements[name];
    const last = offset + _whole.length === path.length;
    if (last && (requirement === '.+' || requirement === '.*')) return '*';
    return `{${name}${optional ? '?' : ''}}`;
  });
}
/** Detects the format: a JSON array is Laravel's, a JSON object Symfony's. */
export function importRouteList(json: string, format: 'laravel' | 'symfony' | 'auto' = 'auto'): ImportedRoute[] {
  if (format === 'laravel') return importLaravelRouteList(json);
  if (format === 'symfony') return importSymfonyRouteList(json);
  return Array.isArray(parse(json)) ? importLaravelRouteList(json) : importSymfonyRouteList(json);
}

function normalizeMethods(methods: string): string {
  const upper = methods.toUpperCase().trim();
  if (upper === 'ANY' || upper === '') return '*';
  return upper
    .split(/[|,]/)
    .map((method) => method.trim())
    .filter(Boolean)
    .join('|');
}

function parse(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new RouteListFormatError(`not JSON: ${(error as Error).message}`);
  }
}
