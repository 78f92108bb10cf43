import type { BackendTrafficDto, BreakerStateDto, ListedRouteDto, RouteTrafficDto } from '@offramp/contracts/admin-api';

export const STATES = ['legacy', 'shadow', 'canary', 'service', 'retired'] as const;
/** Backends that are not a slice: the monolith, and the gateway answering itself (e.g. 419). */
const NOT_A_SLICE = new Set(['legacy', 'gateway']);

export function routesByState(routes: readonly ListedRouteDto[]): Record<(typeof STATES)[number], number> {
  const counts = Object.fromEntries(STATES.map((state) => [state, 0])) as Record<(typeof STATES)[number], number>;
  for (const route of routes) counts[route.state] += 1;
  return counts;
}

/** Routes migrated: answered by a slice for everyone (service, retired). */
export function routesMigrated(routes: readonly ListedRouteDto[]): { migrated: number; total: number } {
  return { migrated: routes.filter((route) => route.state === 'service' || route.state === 'retired').length, total: routes.length };
}

/** Of the requests in a span, how many a slice answered and how many the monolith did. */
export function trafficShare(backends: readonly BackendTrafficDto[]): { slices: number; monolith: number; share: number | null } {
  let slices = 0;
  let monolith = 0;
  for (const backend of backends) {
    if (backend.backend === 'legacy') monolith += backend.requests;
    else if (!NOT_A_SLICE.has(backend.backend)) slices += backend.requests;
  }
  return { slices, monolith, share: slices + monolith === 0 ? null : slices / (slices + monolith) };
}

export interface Attention {
  id: string;
  reason: string;
}

/**
 * Routes a person should look at now, with why: a shadow route whose recent match rate is below
 * its threshold (or below its rate so far: falling), an open circuit to its slice, fallbacks in the
 * recent minutes, a canary whose slice errs more often than the monolith.
 */
export function needingAttention(routes: readonly ListedRouteDto[], recent: readonly RouteTrafficDto[], breakers: readonly BreakerStateDto[]): Attention[] {
  const traffic = new Map(recent.map((route) => [route.id, route]));
  const open = new Set(breakers.filter((breaker) => breaker.state !== 'closed').map((breaker) => breaker.upstream));
  const out: Attention[] = [];
  for (const route of routes) {
    const counts = traffic.get(route.id);
    if (route.state === 'shadow' && counts && counts.shadow.samples > 0) {
      const recentRate = counts.shadow.matches / counts.shadow.samples;
      const overall = route.shadowMatch?.rate ?? null;
      if (recentRate < route.shadow.threshold)
        out.push({ id: route.id, reason: `match rate ${pct(recentRate)} in the last minutes, below its ${pct(route.shadow.threshold)}` });
      else if (overall !== null && recentRate < overall - 0.01)
        out.push({ id: route.id, reason: `match rate falling: ${pct(recentRate)} lately, ${pct(overall)} overall` });
    }
    if (route.service && route.state !== 'legacy' && open.has(route.service))
      out.push({ id: route.id, reason: `circuit to ${route.service} is ${breakers.find((b) => b.upstream === route.service)?.state.replace('_', '-')}` });
    if (counts && counts.fallbacks > 0) out.push({ id: route.id, reason: `${counts.fallbacks} fallback(s) to the monolith in the last minutes` });
    if (route.state === 'canary' && counts) {
      const slice = counts.backends.find((backend) => backend.backend === route.service);
      const legacy = counts.backends.find((backend) => backend.backend === 'legacy');
      if (slice && (slice.errorRate ?? 0) > (legacy?.errorRate ?? 0)) {
        out.push({ id: route.id, reason: `canary errors ${pct(slice.errorRate ?? 0)} on ${route.service}, ${pct(legacy?.errorRate ?? 0)} on the monolith` });
      }
    }
  }
  return out;
}

function pct(rate: number): string {
  const value = rate * 100;
  return `${Number.isInteger(value) ? value : value.toFixed(1)}%`;
}
