import type { ShadowEvidenceDto, ShadowVerdictDto } from '@offramp/contracts/admin-api';

/** 0.973 → "97.3%"; null (nothing compared yet) → "—". */
export function percent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '—';
  const value = rate * 100;
  return `${Number.isInteger(value) ? value : value.toFixed(1)}%`;
}

/**
 * The promotion gate's verdict in words, as a person reads it: what it needs and what the route
 * has ("needs 99% over 100 samples with 2xx; has 97.3% over 412"), then each unmet requirement
 * as the gateway words it (the same lines the CLI prints and a refused promotion names).
 */
export function gateInWords(evidence: ShadowEvidenceDto, verdict: ShadowVerdictDto): { summary: string; missing: string[] } {
  const { threshold, minSamples, minSuccessSamples } = verdict.requirements;
  const twoXx = evidence.byStatus['2xx'];
  const successMatches = twoXx.authenticated.matches + twoXx.anonymous.matches;
  const needs = `needs ${percent(threshold)} over ${minSamples} samples with ${minSuccessSamples} matching 2xx`;
  const has = `has ${percent(evidence.rate)} over ${evidence.samples} (${successMatches} matching 2xx)`;
  return { summary: `${verdict.promotable ? 'Ready to promote' : 'Not ready'}: ${needs}; ${has}`, missing: verdict.missing };
}
