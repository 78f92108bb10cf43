import { parseRouteSpec } from '../routes/route-spec.js';
import { judgeShadowEvidence, shadowRequirements } from './promotion-gate.js';
import { emptyEvidence, type CallerKind, type ShadowEvidence, type StatusClass } from './shadow-stats.js';

type Cell = [StatusClass, CallerKind, number, number];

function evidence(...cells: Cell[]): ShadowEvidence {
  const result = emptyEvidence();
  for (const [status, kind, matches, mismatches] of cells) {
    result.byStatus[status][kind] = { matches, mismatches };
    result.matches += matches;
    result.mismatches += mismatches;
  }
  result.samples = result.matches + result.mismatches;
  result.rate = result.samples === 0 ? null : result.matches / result.samples;
  return result;
}

const route = (extra: Record<string, unknown> = {}, shadow: Record<string, unknown> = {}) =>
  parseRouteSpec({
    method: 'GET',
    path: '/api/orders/{id}',
    service: 'api',
    state: 'shadow',
    ...extra,
    shadow: { minSamples: 10, threshold: 0.99, ...shadow },
  });

describe('promotion gate (evidence → verdict)', () => {
  it('by default needs as many matching 2xx answers as minSamples: 404s alone prove nothing', () => {
    const verdict = judgeShadowEvidence(evidence(['4xx', 'anonymous', 50, 0], ['4xx', 'authenticated', 50, 0]), shadowRequirements(route()));
    expect(verdict.promotable).toBe(false);
    expect(verdict.missing).toEqual(['0 of 10 matching 2xx answers']);
    expect(judgeShadowEvidence(evidence(['2xx', 'anonymous', 10, 0], ['4xx', 'anonymous', 90, 0]), shadowRequirements(route())).promotable).toBe(true);
  });

  it('on a route that needs a login, needs the 2xx answers from logged-in callers', () => {
    const requirements = shadowRequirements(route({ auth: true }));
    expect(requirements).toMatchObject({ minSuccessSamples: 10, minAuthenticatedSamples: 10, needsLogin: true });
    const anonymous = judgeShadowEvidence(evidence(['2xx', 'anonymous', 40, 0], ['4xx', 'anonymous', 60, 0]), requirements);
    expect(anonymous.missing).toEqual(['0 of 10 matching 2xx answers to logged-in callers (the route needs a login)']);
    const mixed = judgeShadowEvidence(evidence(['2xx', 'anonymous', 40, 0], ['2xx', 'authenticated', 10, 0]), requirements);
    expect(mixed).toMatchObject({ promotable: true, missing: [] });
  });

  it('per-route minimums override the defaults', () => {
    const relaxed = shadowRequirements(route({ auth: true }, { minSuccessSamples: 2, minAuthenticatedSamples: 0 }));
    expect(judgeShadowEvidence(evidence(['2xx', 'anonymous', 2, 0], ['4xx', 'anonymous', 8, 0]), relaxed).promotable).toBe(true);
    const strict = shadowRequirements(route({}, { minAuthenticatedSamples: 5 }));
    expect(judgeShadowEvidence(evidence(['2xx', 'anonymous', 10, 0], ['2xx', 'authenticated', 4, 0]), strict).missing).toEqual([
      '4 of 5 matching 2xx answers to logged-in callers',
    ]);
  });

  it('names every unmet requirement: too few samples, the match rate, and mismatching 2xx answers hidden by matching errors', () => {
    expect(judgeShadowEvidence(evidence(), shadowRequirements(route())).missing).toEqual([
      '0 of 10 comparisons',
      'match rate n/a (needs 99.00%)',
      '0 of 10 matching 2xx answers',
    ]);
    // 99.5 % overall, but one 2xx answer in eleven differs.
    const hidden = judgeShadowEvidence(evidence(['2xx', 'authenticated', 10, 1], ['4xx', 'anonymous', 190, 0]), shadowRequirements(route()));
    expect(hidden.missing).toEqual(['2xx match rate 90.91% (needs 99.00%)']);
  });
});
