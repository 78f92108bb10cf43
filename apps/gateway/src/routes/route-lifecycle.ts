import { routeId, routeSpecSchema, type RouteSpec, type RouteSpecInput, type RouteState } from './route-spec.js';
import type { RouteStore } from './route-store.js';
import type { MatchRate } from '../shadow/shadow-stats.js';

const PROMOTION_ORDER: RouteState[] = ['legacy', 'shadow', 'canary', 'service', 'retired'];

export class RouteLifecycleError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface Actor {
  by: string;
  reason: string;
}

export interface PromotionRequest extends Actor {
  id: string;
  /** The target state; the next one in legacy → shadow → canary → service → retired when absent. */
  to?: RouteState;
  canaryPercent?: number;
  force?: boolean;
}

/** Promotion, rollback, edits and imports: every change is one KV revision with who and why. */
export class RouteLifecycle {
  constructor(
    private readonly store: RouteStore,
    private readonly matchRate: (id: string) => Promise<MatchRate>,
  ) {}

  async set(input: RouteSpecInput, actor: Actor): Promise<RouteSpec> {
    const parsed = routeSpecSchema.safeParse(input);
    if (!parsed.success) {
      const [issue] = parsed.error.issues;
      throw new RouteLifecycleError(400, issue?.message ?? 'invalid route', issue?.path.join('.'));
    }
    this.requireService(parsed.data);
    await this.store.put(parsed.data, { ...actor, at: now(), action: 'set' });
    return parsed.data;
  }

  async promote(request: PromotionRequest): Promise<{ route: RouteSpec; matchRate?: MatchRate }> {
    const current = this.store.get(request.id);
    if (!current) throw new RouteLifecycleError(404, `no route "${request.id}"; see "offramp routes list"`, 'id');
    const from = current.route.state;
    const to = request.to ?? PROMOTION_ORDER[PROMOTION_ORDER.indexOf(from) + 1];
    if (!to) throw new RouteLifecycleError(409, `route "${request.id}" is already ${from}, the last state`, 'to');
    let matchRate: MatchRate | undefined;
    if (from === 'shadow' && to !== 'legacy' && to !== 'shadow') {
      matchRate = await this.matchRate(request.id);
      const { threshold, minSamples } = current.route.shadow;
      const enough = matchRate.samples >= minSamples && (matchRate.rate ?? 0) >= threshold;
      if (!enough && !request.force) {
        throw new RouteLifecycleError(
          409,
          `promotion of "${request.id}" out of shadow refused: match rate ${formatRate(matchRate)} over ${matchRate.samples} samples; ` +
            `the route needs ${(threshold * 100).toFixed(2)}% over at least ${minSamples} (force it with a reason)`,
          'force',
        );
      }
    }
    const route: RouteSpec = { ...current.route, state: to, ...(request.canaryPercent !== undefined ? { canaryPercent: request.canaryPercent } : {}) };
    this.requireService(route);
    await this.store.put(route, { by: request.by, reason: request.reason, at: now(), action: `promote ${from}→${to}`, forced: request.force || undefined }, current.revision);
    return { route, matchRate };
  }

  /** Back to `legacy`: one route or all of them; all writes go out at once. */
  async rollback(id: string | 'all', actor: Actor): Promise<string[]> {
    const targets = id === 'all' ? this.store.list() : [{ id, ...this.requireRoute(id) }];
    const changed = targets.filter((record) => record.route.state !== 'legacy');
    await Promise.all(
      changed.map((record) =>
        this.store.put({ ...record.route, state: 'legacy' }, { ...actor, at: now(), action: `rollback ${record.route.state}→legacy` }),
      ),
    );
    return changed.map((record) => record.id);
  }

  /** Adds every route that is not in the table yet as `legacy`; existing routes are left alone. */
  async import(routes: RouteSpecInput[], actor: Actor): Promise<{ added: string[]; existing: string[] }> {
    const added: string[] = [];
    const existing: string[] = [];
    const specs = routes.map((input) => routeSpecSchema.parse({ ...input, state: 'legacy' }));
    await Promise.all(
      specs.map(async (route) => {
        const id = routeId(route);
        if (this.store.get(id)) return existing.push(id);
        try {
          await this.store.put(route, { ...actor, at: now(), action: 'import' }, 0);
          added.push(id);
        } catch {
          existing.push(id);
        }
      }),
    );
    return { added: added.sort(), existing: existing.sort() };
  }

  private requireRoute(id: string) {
    const record = this.store.get(id);
    if (!record) throw new RouteLifecycleError(404, `no route "${id}"; see "offramp routes list"`, 'id');
    return record;
  }

  private requireService(route: RouteSpec): void {
    if (route.state !== 'legacy' && !route.service) {
      throw new RouteLifecycleError(400, `a route in state ${route.state} needs "service" (a slice named in GATEWAY_SERVICES)`, 'service');
    }
  }
}

function now(): string {
  return new Date().toISOString();
}

function formatRate(rate: MatchRate): string {
  return rate.rate === null ? 'n/a' : `${(rate.rate * 100).toFixed(2)}%`;
}
