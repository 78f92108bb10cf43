import { requirementToJs, spansSegments, UnsupportedRequirementError } from './route-requirements.js';

/**
 * A route of the monolith as the gateway's table takes it: `GET|HEAD`, `/blog/{page?}` with its
 * requirements, host and defaults, so that it matches the URLs the framework's router matches.
 */
export interface ImportedRoute {
  method: string;
  /** `{name}` parameters, `{name?}` for the optional trailing ones (Laravel's `?`, Symfony's trailing parameters with a default). */
  path: string;
  name?: string;
  /** Laravel: the route's middleware as `route:list` names them (group names such as `web` unexpanded). */
  middleware?: string[];
  /**
   * Laravel: whether the monolith checks the CSRF token on this route (the `web` group, or
   * VerifyCsrfToken named on the route). Absent when the list does not say (Symfony, or no middleware column).
   */
  csrf?: boolean;
  /** Regex per parameter of the path or host, as the framework writes it (Laravel's `where`, Symfony's requirements). */
  requirements?: Record<string, string>;
  /** `shop.example.com` or a pattern with parameters, `{account}.example.com` (Laravel's domain, Symfony's host). */
  host?: string;
  /** Parameter defaults (Symfony's minus `_controller`, Laravel's `defaults()`), kept for people and slices. */
  defaults?: Record<string, unknown>;
  /** Why the gateway cannot match this route as the framework does: it is imported to stay on the monolith. */
  legacyOnly?: string;
}

export class RouteListFormatError extends Error {}

/** What `php artisan offramp:routes` (apps/legacy/app/Console/Commands/OfframpRoutes.php) prints. */
export const LARAVEL_ROUTES_FORMAT = 'offramp.laravel-routes.v1';

/**
 * Laravel: `php artisan offramp:routes` (with `where` constraints, domains, defaults, optional
 * parameters) or the plain `php artisan route:list --json` (methods, uri, domain, name, middleware).
 */
export function importLaravelRouteList(json: string): ImportedRoute[] {
  const list = parse(json);
  if (isLaravelExport(list)) return list.routes.map((entry, index) => laravelExported(entry, index));
  if (!Array.isArray(list))
    throw new RouteListFormatError('expected the JSON array printed by `php artisan route:list --json` or the object of `php artisan offramp:routes`');
  return list.map((entry, index) => {
    const route = entry as { method?: unknown; uri?: unknown; name?: unknown; middleware?: unknown; domain?: unknown };
    if (typeof route.method !== 'string' || typeof route.uri !== 'string') {
      throw new RouteListFormatError(`route ${index}: expected "method" and "uri" strings (Laravel's route:list --json)`);
    }
    return laravelRoute(index, { methods: route.method, uri: route.uri, name: route.name, middleware: route.middleware, domain: route.domain });
  });
}

function isLaravelExport(value: unknown): value is { routes: unknown[] } {
  return (
    !!value &&
    typeof value === 'object' &&
    (value as { format?: unknown }).format === LARAVEL_ROUTES_FORMAT &&
    Array.isArray((value as { routes?: unknown }).routes)
  );
}

function laravelExported(entry: unknown, index: number): ImportedRoute {
  const route = (entry ?? {}) as Record<string, unknown>;
  if (!Array.isArray(route['methods']) || !route['methods'].every((method) => typeof method === 'string') || typeof route['uri'] !== 'string') {
    throw new RouteListFormatError(`route ${index}: expected "methods" (a list) and "uri" (php artisan offramp:routes)`);
  }
  return laravelRoute(index, {
    methods: route['methods'].join('|'),
    uri: route['uri'],
    name: route['name'],
    middleware: route['middleware'],
    domain: route['domain'],
    wheres: objectField(route['wheres'], `route ${index}: expected "wheres" to be an object of regexes`),
    defaults: objectField(route['defaults'], `route ${index}: expected "defaults" to be an object`),
  });
}

interface LaravelFields {
  methods: string;
  uri: string;
  name: unknown;
  middleware: unknown;
  domain: unknown;
  wheres?: Record<string, unknown>;
  defaults?: Record<string, unknown>;
}

function laravelRoute(index: number, fields: LaravelFields): ImportedRoute {
  const middleware = middlewareList(fields.middleware, index);
  const host = typeof fields.domain === 'string' && fields.domain ? fields.domain : undefined;
  const path = `/${fields.uri.replace(/^\/+/, '')}`;
  // Laravel's `?` is the optional form; Symfony's compiler, under Laravel's, makes it so only at the end.
  const params = new Set([...parameterNames(path), ...parameterNames(host ?? '')]);
  const wheres = Object.fromEntries(Object.entries(fields.wheres ?? {}).filter(([name]) => params.has(name)));
  const route: ImportedRoute = {
    method: normalizeMethods(fields.methods),
    path,
    ...(typeof fields.name === 'string' && fields.name ? { name: fields.name } : {}),
    ...(middleware ? { middleware, csrf: middleware.some(checksCsrf) } : {}),
    ...(host ? { host } : {}),
  };
  const defaults = fields.defaults && Object.keys(fields.defaults).length ? fields.defaults : undefined;
  if (defaults) route.defaults = defaults;
  return withRequirements(route, wheres, `route ${index} (${path})`);
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

/**
 * Symfony: `bin/console debug:router --format=json` — { name: { path, host, method, defaults,
 * requirements, condition } }. A trailing run of parameters with defaults is optional (Symfony's
 * compiler); a route with a `condition` (an expression only Symfony evaluates) stays on the monolith.
 */
export function importSymfonyRouteList(json: string): ImportedRoute[] {
  const routes = parse(json);
  if (!routes || typeof routes !== 'object' || Array.isArray(routes)) {
    throw new RouteListFormatError('expected the JSON object printed by `bin/console debug:router --format=json`');
  }
  return Object.entries(routes as Record<string, unknown>).map(([name, entry]) => {
    const route = (entry ?? {}) as { path?: unknown; method?: unknown; requirements?: unknown; defaults?: unknown; host?: unknown; condition?: unknown };
    if (typeof route.path !== 'string') throw new RouteListFormatError(`route ${name}: expected a "path" string (Symfony's debug:router --format=json)`);
    // "NO CUSTOM" is how debug:router prints an empty list.
    const requirements = {
      ...(objectField(route.requirements === 'NO CUSTOM' ? undefined : route.requirements, `route ${name}: expected "requirements"`) ?? {}),
    };
    const defaults = { ...(objectField(route.defaults, `route ${name}: expected "defaults" to be an object`) ?? {}) };
    delete defaults['_controller'];
    const host = typeof route.host === 'string' && route.host && route.host !== 'ANY' ? route.host : undefined;
    const path = symfonyPath(route.path, requirements, defaults);
    const params = new Set([...parameterNames(path), ...parameterNames(host ?? '')]);
    const imported: ImportedRoute = {
      method: typeof route.method === 'string' ? withHeadForGet(normalizeMethods(route.method)) : '*',
      path,
      name,
      ...(host ? { host } : {}),
      ...(Object.keys(defaults).length ? { defaults } : {}),
    };
    const own = Object.fromEntries(Object.entries(requirements).filter(([param]) => params.has(param)));
    const result = withRequirements(imported, own, `route ${name}`);
    if (typeof route.condition === 'string' && route.condition) {
      result.legacyOnly = joinReasons(result.legacyOnly, `its condition (${route.condition}) is evaluated by Symfony only`);
    }
    return result;
  });
}

/**
 * `{page<\d+>?1}` (the inline form; debug:router prints it expanded, hand-written lists may not)
 * becomes `{page}` with its requirement and default; the trailing parameters with a default become
 * `{page?}`, as Symfony's compiler makes them optional.
 */
function symfonyPath(path: string, requirements: Record<string, unknown>, defaults: Record<string, unknown>): string {
  const expanded = path.replace(/\{(!?)(\w+)(?:<([^>]*)>)?(?:\?([^}]*))?\}/g, (_whole, _bang: string, name: string, inline?: string, fallback?: string) => {
    if (inline !== undefined) requirements[name] = inline;
    if (fallback !== undefined) defaults[name] = fallback;
    return `{${name}}`;
  });
  const tokens = expanded.split(/(\{\w+\})/).filter(Boolean);
  for (let i = tokens.length - 1; i >= 0; i--) {
    const name = /^\{(\w+)\}$/.exec(tokens[i] as string)?.[1];
    if (!name || !(name in defaults)) break;
    tokens[i] = `{${name}?}`;
  }
  return tokens.join('');
}

/**
 * Keeps the requirements the gateway can match as the framework does. One JavaScript cannot read,
 * or one that lets a parameter inside the path take slashes, leaves the route on the monolith (it
 * still goes into the table: the gateway sends it to the monolith, and says why).
 */
function withRequirements(route: ImportedRoute, requirements: Record<string, unknown>, where: string): ImportedRoute {
  const kept: Record<string, string> = {};
  const lastParam = /\{(\w+)\??\}$/.exec(route.path)?.[1];
  for (const [name, requirement] of Object.entries(requirements)) {
    if (typeof requirement !== 'string') throw new RouteListFormatError(`${where}: expected the requirement of "${name}" to be a regex string`);
    try {
      requirementToJs(requirement);
    } catch (error) {
      if (!(error instanceof UnsupportedRequirementError)) throw error;
      route.legacyOnly = joinReasons(route.legacyOnly, `the requirement of {${name}}: ${error.problem}`);
      continue;
    }
    const inPath = route.path.includes(`{${name}}`) || route.path.includes(`{${name}?}`);
    if (inPath && name !== lastParam && spansSegments(requirement)) {
      route.legacyOnly = joinReasons(route.legacyOnly, `{${name}} may span path segments (${requirement}) before the end of the path`);
    }
    kept[name] = requirement;
  }
  if (Object.keys(kept).length) route.requirements = kept;
  return route;
}

function joinReasons(before: string | undefined, reason: string): string {
  return before ? `${before}; ${reason}` : reason;
}

/** Symfony, like Laravel, answers HEAD on a route that allows GET. */
function withHeadForGet(methods: string): string {
  if (methods === '*') return methods;
  const list = methods.split('|');
  return list.includes('GET') && !list.includes('HEAD') ? [...list, 'HEAD'].join('|') : methods;
}

function parameterNames(pattern: string): string[] {
  return [...pattern.matchAll(/\{!?(\w+)/g)].map((match) => match[1] as string);
}

function objectField(value: unknown, problem: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  // PHP's json_encode prints an empty array for an empty map.
  if (Array.isArray(value) && value.length === 0) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new RouteListFormatError(problem);
  return value as Record<string, unknown>;
}

/** Detects the format: Laravel's is a JSON array (route:list) or offramp:routes' object, Symfony's an object of routes by name. */
export function importRouteList(json: string, format: 'laravel' | 'symfony' | 'auto' = 'auto'): ImportedRoute[] {
  if (format === 'laravel') return importLaravelRouteList(json);
  if (format === 'symfony') return importSymfonyRouteList(json);
  const parsed = parse(json);
  return Array.isArray(parsed) || isLaravelExport(parsed) ? importLaravelRouteList(json) : importSymfonyRouteList(json);
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
