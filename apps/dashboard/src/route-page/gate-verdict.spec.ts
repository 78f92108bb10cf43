import type { ShadowEvidenceDto, ShadowVerdictDto } from '@offramp/contracts/admin-api';
import { gateInWords, percent } from './gate-verdict';

const cell = (matches: number, mismatches = 0) => ({ matches, mismatches });
const evidence = (matches: number, mismatches: number, twoXxMatches: number): ShadowEvidenceDto => ({
  matches,
  mismatches,
  samples: matches + mismatches,
  rate: matches + mismatches === 0 ? null : matches / (matches + mismatches),
  byStatus: {
    '1xx': { authenticated: cell(0), anonymous: cell(0) },
    '2xx': { authenticated: cell(0), anonymous: cell(twoXxMatches) },
    '3xx': { authenticated: cell(0), anonymous: cell(0) },
    '4xx': { authenticated: cell(0), anonymous: cell(0) },
    '5xx': { authenticated: cell(0), anonymous: cell(0) },
  },
});
const requirements = { threshold: 0.99, minSamples: 100, minSuccessSamples: 100, minAuthenticatedSamples: 0, needsLogin: false };

describe('the promotion gate in words', () => {
  it('says what is needed and what the route has, and lists what is missing as the gateway words it', () => {
    const verdict: ShadowVerdictDto = { promotable: false, missing: ['match rate 97.3% (needs 99%)'], requirements };
    expect(gateInWords(evidence(401, 11, 380), verdict)).toEqual({
      summary: 'Not ready: needs 99% over 100 samples with 100 matching 2xx; has 97.3% over 412 (380 matching 2xx)',
      missing: ['match rate 97.3% (needs 99%)'],
    });
  });

  it('says ready when the gate would let it through', () => {
    const verdict: ShadowVerdictDto = { promotable: true, missing: [], requirements };
    expect(gateInWords(evidence(120, 0, 120), verdict).summary).toBe(
      'Ready to promote: needs 99% over 100 samples with 100 matching 2xx; has 100% over 120 (120 matching 2xx)',
    );
  });

  it('shows nothing compared yet as a dash, not 0%', () => {
    expect(percent(null)).toBe('—');
    expect(percent(0.5)).toBe('50%');
  });
});
