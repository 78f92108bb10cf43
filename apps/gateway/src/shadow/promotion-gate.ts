import type { RouteSpec } from '../routes/route-spec.js';
import { CALLER_KINDS, type MatchCounts, type ShadowEvidence } from './shadow-stats.js';

/** What a route must show in shadow before it may move on, defaults resolved. */
export interface ShadowRequirements {
  threshold: number;
  minSamples: number;
  /** Matching comparisons where the monolith answered 2xx. */
  minSuccessSamples: number;
  /** Of those, answers to callers with a login of the monolith. */
  minAuthenticatedSamples: number;
  /** The route needs a login (`auth: true`, from Laravel's `auth` middleware or set by hand). */
  needsLogin: boolean;
}

export interface ShadowVerdict {
  promotable: boolean;
  /** One line per unmet requirement, for people: "0 of 20 matching 2xx answers". */
  missing: string[];
  requirements: ShadowRequirements;
}

/**
 * Defaults that need real answers: as many matching 2xx answers as `minSamples` (404s, 401s and
 * redirects match too easily to prove anything), and on a route that needs a login, that many
 * from logged-in callers (anonymous traffic there only ever sees the login wall).
 */
export function shadowRequirements(route: Pick<RouteSpec, 'shadow' | 'auth'>): ShadowRequirements {
  const { threshold, minSamples } = route.shadow;
  const needsLogin = route.auth === true;
  const minSuccessSamples = route.shadow.minSuccessSamples ?? minSamples;
  const minAuthenticatedSamples = route.shadow.minAuthenticatedSamples ?? (needsLogin ? minSuccessSamples : 0);
  return { threshold, minSamples, minSuccessSamples, minAuthenticatedSamples, needsLogin };
}

/** Evidence → verdict; pure, so the admin API shows the same verdict the promotion applies. */
export function judgeShadowEvidence(evidence: ShadowEvidence, requirements: ShadowRequirements): ShadowVerdict {
  const { threshold, minSamples, minSuccessSamples, minAuthenticatedSamples, needsLogin } = requirements;
  const missing: string[] = [];
  if (evidence.samples < minSamples) missing.push(`${evidence.samples} of ${minSamples} comparisons`);
  if ((evidence.rate ?? 0) < threshold) missing.push(`match rate ${percent(evidence.rate)} (needs ${percent(threshold)})`);
  const success = sum(CALLER_KINDS.map((kind) => evidence.byStatus['2xx'][kind]));
  if (success.matches < minSuccessSamples) missing.push(`${success.matches} of ${minSuccessSamples} matching 2xx answers`);
  const successSamples = success.matches + success.mismatches;
  // The 2xx answers are the ones that prove the slice does the work: a flood of matching 404s must not hide their mismatches.
  if (successSamples > 0 && success.matches / successSamples < threshold)
    missing.push(`2xx match rate ${percent(success.matches / successSamples)} (needs ${percent(threshold)})`);
  const authenticated = evidence.byStatus['2xx'].authenticated.matches;
  if (authenticated < minAuthenticatedSamples) {
    missing.push(`${authenticated} of ${minAuthenticatedSamples} matching 2xx answers to logged-in callers${needsLogin ? ' (the route needs a login)' : ''}`);
  }
  return { promotable: missing.length === 0, missing, requirements };
}

function sum(cells: MatchCounts[]): MatchCounts {
  return cells.reduce((total, cell) => ({ matches: total.matches + cell.matches, mismatches: total.mismatches + cell.mismatches }), {
    matches: 0,
    mismatches: 0,
  });
}

export function percent(rate: number | null): string {
  return rate === null ? 'n/a' : `${(rate * 100).toFixed(2)}%`;
}
