import { z } from 'zod';
import { requirementToJs, UnsupportedRequirementError } from '@offramp/legacy-bridge';
import { routeRefusal } from './route-patterns.js';

export const ROUTE_STATES = ['legacy', 'shadow', 'canary', 'service', 'retired'] as const;
export type RouteState = (typeof ROUTE_STATES)[number];

/** Methods a route may name; `*` is any method. `GET|HEAD` (Laravel's route:list) names several. */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'QUERY'] as const;
const methodList = z
  .string()
  .transform((value) => value.toUpperCase().replace(/\s+/g, ''))
  .refine((value) => value === '*' || value === 'ANY' || value.split('|').every((m) => (HTTP_METHODS as readonly string[]).includes(m)), {
    message: `expected * or methods joined by | (${HTTP_METHODS.join(', ')})`,
  })
  .transform((value) => (value === 'ANY' ? '*' : value.split('|').sort().join('|')));

const jsonPath = z.string().regex(/^\$(\.\.?[^.[\]]+|\[(\*|\d+)\])*$/, 'expected a JSON path such as $.meta.generated_at, $.items[*].id or $..updated_at');

export const shadowSettingsSchema = z.object({
  /** Methods copied to the slice; unsafe methods only when the route names them explicitly. */
  methods: z.array(z.enum(HTTP_METHODS)).default(['GET', 'HEAD']),
  /**
   * Share of the route's requests (of those methods) copied to the slice (0-1): each copy is a
   * second exchange through the gateway and a request the slice must carry, so a hot route can be
   * compared on a sample of its traffic. The others go to the monolith alone.
   */
  sampleRate: z.number().min(0).max(1).default(1),
  /** Response headers compared besides the status (lowercase). */
  headers: z.array(z.string().toLowerCase()).default(['content-type']),
  /** JSON paths never compared. */
  ignore: z.array(jsonPath).default([]),
  /** Share of shadowed requests for which the monolith is asked twice to learn noise (0-1). */
  noiseSampleRate: z.number().min(0).max(1).default(0.1),
  /** Promotion out of shadow needs this match rate (0-1)… */
  threshold: z.number().min(0).max(1).default(0.99),
  /** …over at least this many comparisons. */
  minSamples: z.number().int().min(0).default(100),
  /** …of which at least this many matching 2xx answers of the monolith (default: minSamples; 404s and redirects prove little). */
  minSuccessSamples: z.number().int().min(0).optional(),
  /** …and of those, this many to logged-in callers (default: minSuccessSamples where the route needs a login, else 0). */
  minAuthenticatedSamples: z.number().int().min(0).optional(),
  /** JSON paths whose values are never stored in mismatch samples (as `ignore`: $.customer.phone, $.items[*].email, $..iban). */
  redact: z.array(jsonPath).default([]),
});
export type ShadowSettings = z.infer<typeof shadowSettingsSchema>;

const requirement = z.string().superRefine((value, ctx) => {
  try {
    requirementToJs(value);
  } catch (error) {
    if (!(error instanceof UnsupportedRequirementError)) throw error;
    ctx.addIssue({ code: 'custom', message: `${error.problem}: give a regex the gateway can match as the framework does` });
  }
});

/** The fields of a route (routeSpecSchema adds the checks across fields). */
export const routeFieldsSchema = z.object({
  method: methodList.default('*'),
  /** Path pattern: `/api/products/:id` or Laravel/Symfony style `/api/products/{id}`; a trailing `*` matches the rest. */
  path: z
    .string()
    .startsWith('/', 'expected a path starting with /')
    .transform((path) => normalizePathPattern(path)),
  state: z.enum(ROUTE_STATES).default('legacy'),
  /** The slice that answers once the route is out of `legacy` (a name from GATEWAY_SERVICES). */
  service: z.string().min(1).optional(),
  /** Upstream timeout for this route (headers, and idle time between body chunks). */
  timeoutMs: z.number().int().min(1).max(600_000).optional(),
  /**
   * Largest request body in bytes (413 problem+json before any byte goes upstream, whoever answers
   * the route); default GATEWAY_ROUTE_MAX_BODY_BYTES, PHP's post_max_size. Never above GATEWAY_MAX_BODY_BYTES.
   */
  maxBodyBytes: z.number().int().min(0).optional(),
  /** In `service`: answer idempotent requests from the monolith when the slice fails. */
  fallback: z.boolean().default(true),
  /** In `canary`: share of callers (0-100) sent to the slice. */
  canaryPercent: z.number().min(0).max(100).default(0),
  shadow: shadowSettingsSchema.default(shadowSettingsSchema.parse({})),
  /** The monolith's route needs a login (Laravel's `auth` middleware, set by the route import): promotion out of shadow then needs logged-in callers' answers. */
  auth: z.boolean().optional(),
  /**
   * The monolith checks the CSRF token here (Laravel's `web` group; set by the route import). Where a
   * slice may answer (canary, service, retired) the gateway then checks it for unsafe methods and
   * answers 419 itself. Absent counts as true; `false` for routes that never had the check (webhooks).
   */
  csrf: z.boolean().optional(),
  /** Let an encoded slash (`%2F`) stand inside a path segment (kept encoded); otherwise such a path gets 400. */
  encodedSlashes: z.boolean().default(false),
  /** Laravel/Symfony route name, kept for people. */
  name: z.string().optional(),
  /**
   * Regex per parameter of the path or host (Laravel's `where`, Symfony's requirements), matched
   * against the whole decoded value as the frameworks do: `{ id: '\\d+', _locale: 'en|fr' }`. A
   * parameter that ends the path and may take slashes (`.+`) takes the rest of the path.
   */
  requirements: z.record(z.string().regex(/^(\w+|\*)$/, 'expected a parameter name (or * for a trailing *)'), requirement).optional(),
  /** The Host the route answers (without port): `shop.example.com`, or with parameters, `{account}.example.com` (case-insensitive). */
  host: z
    .string()
    .toLowerCase()
    .regex(/^[a-z0-9_.{}-]+$/, 'expected a host name without scheme, port or path, parameters as {name}')
    .optional(),
  /** Parameter defaults (Symfony's `defaults` minus `_controller`, Laravel's `defaults()`), kept for people and slices; `?` makes a parameter optional. */
  defaults: z.record(z.string(), z.unknown()).optional(),
  /** Why the gateway cannot match this route as the monolith does (a Symfony `condition`, a requirement JavaScript cannot read): it never leaves `legacy`. */
  legacyOnly: z.string().min(1).optional(),
});

/** One route of the monolith and where it is in its migration. */
export const routeSpecSchema = routeFieldsSchema.superRefine((route, ctx) => {
  const refusal = routeRefusal(route);
  if (refusal) ctx.addIssue({ code: 'custom', path: ['path'], message: `the gateway's router cannot hold this route: ${refusal}` });
  if (route.legacyOnly && route.state !== 'legacy') {
    ctx.addIssue({ code: 'custom', path: ['state'], message: `the route stays on the monolith (${route.legacyOnly}): it cannot be ${route.state}` });
  }
});
export type RouteSpec = z.infer<typeof routeSpecSchema>;
export type RouteSpecInput = z.input<typeof routeSpecSchema>;

/** Who changed a route, when and why: stored with every revision, so the bucket's history is the audit log. */
export const routeChangeSchema = z.object({
  by: z.string().min(1),
  at: z.string(),
  reason: z.string().min(1),
  action: z.string().min(1),
  forced: z.boolean().optional(),
});
export type RouteChange = z.infer<typeof routeChangeSchema>;

export interface RouteRecord {
  route: RouteSpec;
  change: RouteChange;
}

/** `GET|HEAD /api/products/:id`; a host-bound route names its host before the path: `POST {partner}.example.com/hooks`. */
export function routeId(route: Pick<RouteSpec, 'method' | 'path' | 'host'>): string {
  return `${route.method} ${route.host ?? ''}${route.path}`;
}

/** `{id}` → `:id`, `{id?}` → `:id?` (optional, two patterns later), `{path...}`/`{any}` with a catch-all → `*`. */
export function normalizePathPattern(path: string): string {
  let normalized = path.replace(/\{([A-Za-z_][A-Za-z0-9_]*)(\?)?\}/g, (_all, name: string, optional?: string) => `:${name}${optional ?? ''}`);
  if (normalized.length > 1 && normalized.endsWith('/')) normalized = normalized.slice(0, -1);
  return normalized;
}

export function parseRouteSpec(input: unknown): RouteSpec {
  return routeSpecSchema.parse(input);
}
