import { routeId, routeSpecSchema, type RouteSpec, type RouteSpecInput, type RouteState } from './route-spec.js';
import { InvalidRoute, PromotionRefused, RevisionConflict, RouteNotFound } from './route-errors.js';
import type { RouteStore } from './route-store.js';
import { judgeShadowEvidence, percent, shadowRequirements, type ShadowVerdict } from '../shadow/promotion-gate.js';
import type { ShadowEvidence } from '../shadow/shadow-stats.js';

const PROMOTION_ORDER: RouteState[] = ['legacy', 'shadow', 'canary', 'service', 'retired'];

export interface Actor {
  by: string;
  reason: string;
}

/** Where the shadow evidence of every replica is summed (ShadowStats). */
export interface ShadowEvidenceSource {
  total(id: string): Promise<ShadowEvidence>;
  /** Forgets a route's counts: evidence of an earlier shadow period never counts for a new one. */
  clear(id: string): Promise<void>;
}

/** A route imported from the monolith's route list may name its middleware (Laravel's route:list --json). */
export type ImportedRouteInput = RouteSpecInput & { middleware?: readonly string[] };

export interface PromotionRequest extends Actor {
  id: string;
  /** The target state; the next one in legacy → shadow → canary → service → retired when absent. */
  to?: RouteState;
  canaryPercent?: number;
  force?: boolean;
}

/**
 * Promotion, rollback, edits and imports: every change is one KV revision with who and why.
 * Refusals are typed (routes/route-errors.ts): RouteNotFound, PromotionRefused, InvalidRoute,
 * RevisionConflict (the route changed between read and write).
 */
export class RouteLifecycle {
  constructor(
    private readonly store: RouteStore,
    private readonly evidence: ShadowEvidenceSource,
  ) {}

  async set(input: RouteSpecInput, actor: Actor): Promise<RouteSpec> {
    const parsed = routeSpecSchema.safeParse(input);
    if (!parsed.success) {
      const [issue] = parsed.error.issues;
      throw new InvalidRoute(issue?.message ?? 'invalid route', issue?.path.join('.'));
    }
    this.requireService(parsed.data);
    // NATS away: a bounded wait and 503 (RouteStoreUnavailable) before any part of the change is made.
    await this.store.whenConnected(routeId(parsed.data));
    await this.enteringShadow(this.store.get(routeId(parsed.data))?.route, parsed.data);
    await this.store.put(parsed.data, { ...actor, at: now(), action: 'set' });
    return parsed.data;
  }

  async promote(request: PromotionRequest): Promise<{ route: RouteSpec; matchRate?: ShadowEvidence; shadowGate?: ShadowVerdict }> {
    const current = this.requireRoute(request.id);
    const from = current.route.state;
    const to = request.to ?? PROMOTION_ORDER[PROMOTION_ORDER.indexOf(from) + 1];
    if (!to) throw new PromotionRefused(request.id, 'last-state', `route "${request.id}" is already ${from}, the last state`);
    if (current.route.legacyOnly && to !== 'legacy') {
      // Not even forced: the gateway would send the slice requests the monolith's router would not give this route.
      throw new PromotionRefused(request.id, 'legacy-only', `route "${request.id}" stays on the monolith: ${current.route.legacyOnly}`);
    }
    await this.store.whenConnected(request.id);
    let matchRate: ShadowEvidence | undefined;
    let shadowGate: ShadowVerdict | undefined;
    if (from === 'shadow' && to !== 'legacy' && to !== 'shadow') {
      matchRate = await this.store.bounded(this.evidence.total(request.id), request.id);
      shadowGate = judgeShadowEvidence(matchRate, shadowRequirements(current.route));
      if (!shadowGate.promotable && !request.force) {
        throw new PromotionRefused(
          request.id,
          'shadow-evidence',
          `promotion of "${request.id}" out of shadow refused: match rate ${percent(matchRate.rate)} over ${matchRate.samples} samples; ` +
            `missing: ${shadowGate.missing.join('; ')} (force it with a reason)`,
        );
      }
    }
    const route: RouteSpec = { ...current.route, state: to, ...(request.canaryPercent !== undefined ? { canaryPercent: request.canaryPercent } : {}) };
    this.requireService(route);
    await this.enteringShadow(current.route, route);
    await this.store.put(
      route,
      { by: request.by, reason: request.reason, at: now(), action: `promote ${from}→${to}`, forced: request.force || undefined },
      current.revision,
    );
    return { route, matchRate, shadowGate };
  }

  /** Back to `legacy`: one route or all of them; all writes go out at once. */
  async rollback(id: string | 'all', actor: Actor): Promise<string[]> {
    const targets = id === 'all' ? this.store.list() : [{ id, ...this.requireRoute(id) }];
    const changed = targets.filter((record) => record.route.state !== 'legacy');
    await Promise.all(
      changed.map((record) => this.store.put({ ...record.route, state: 'legacy' }, { ...actor, at: now(), action: `rollback ${record.route.state}→legacy` })),
    );
    return changed.map((record) => record.id);
  }

  /**
   * Adds every route that is not in the table yet as `legacy`; existing routes are left alone.
   * `warnings` names each route that stays on the monolith (legacyOnly) and why.
   */
  async import(routes: ImportedRouteInput[], actor: Actor): Promise<{ added: string[]; existing: string[]; warnings: string[] }> {
    const added: string[] = [];
    const existing: string[] = [];
    const specs = routes.map(({ middleware, ...input }, index) => {
      const parsed = routeSpecSchema.safeParse({ ...input, state: 'legacy', auth: input.auth ?? needsLogin(middleware) });
      if (parsed.success) return parsed.data;
      const [issue] = parsed.error.issues;
      throw new InvalidRoute(issue?.message ?? 'invalid route', `routes[${index}].${issue?.path.join('.') ?? ''}`);
    });
    await Promise.all(
      specs.map(async (route) => {
        const id = routeId(route);
        if (this.store.get(id)) return existing.push(id);
        try {
          await this.store.put(route, { ...actor, at: now(), action: 'import' }, 0);
          added.push(id);
        } catch (error) {
          // Created meanwhile (another replica, a concurrent import): it stays as it is.
          if (!(error instanceof RevisionConflict)) throw error;
          existing.push(id);
        }
      }),
    );
    const warnings = specs.filter((route) => route.legacyOnly).map((route) => `${routeId(route)} stays on the monolith: ${route.legacyOnly}`);
    return { added: added.sort(), existing: existing.sort(), warnings };
  }

  private requireRoute(id: string) {
    const record = this.store.get(id);
    if (!record) throw new RouteNotFound(id);
    return record;
  }

  /** Before a route enters shadow (no replica shadows it yet), the counts of any earlier period go. */
  private async enteringShadow(before: RouteSpec | undefined, after: RouteSpec): Promise<void> {
    if (after.state === 'shadow' && before?.state !== 'shadow') await this.store.bounded(this.evidence.clear(routeId(after)), routeId(after));
  }

  private requireService(route: RouteSpec): void {
    if (route.state !== 'legacy' && !route.service) {
      throw new InvalidRoute(`a route in state ${route.state} needs "service" (a slice named in GATEWAY_SERVICES)`, 'service');
    }
  }
}

function now(): string {
  return new Date().toISOString();
}

/**
 * Laravel's login middleware as route:list names it: `auth`, `auth:sanctum`, `auth.basic`, or the
 * class (`App\Http\Middleware\Authenticate`). Without a middleware list nothing is known (undefined).
 */
export function needsLogin(middleware: readonly string[] | undefined): boolean | undefined {
  if (!middleware) return undefined;
  return middleware.some((name) => /^auth(\.basic)?(:|$)/.test(name) || /\\Authenticate(WithBasicAuth)?(:|$)/.test(name));
}
