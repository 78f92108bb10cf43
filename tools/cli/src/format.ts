import type { ListedRouteDto, MismatchDto, ShadowDiffsDto, ShadowEvidenceDto, ShadowVerdictDto } from '@offramp/contracts/admin-api';

// The admin API's answers (its generated client's types), reduced to what is printed.
type Evidence = Pick<ShadowEvidenceDto, 'rate' | 'samples'> & Partial<Pick<ShadowEvidenceDto, 'byStatus'>>;
type Verdict = Pick<ShadowVerdictDto, 'promotable' | 'missing'>;
type ListedRoute = Pick<ListedRouteDto, 'id' | 'state'> &
  Partial<Pick<ListedRouteDto, 'service' | 'canaryPercent' | 'lastChange'>> & { shadowMatch?: Evidence; shadowGate?: Verdict };
type Mismatch = Pick<MismatchDto, 'at' | 'routeId' | 'method' | 'url' | 'requestId' | 'differences'>;
type Diffs = Pick<ShadowDiffsDto, 'learnedNoise'> & { matchRate?: Evidence; shadowGate?: Verdict; mismatches: Mismatch[] };

export function formatRoutes(routes: ListedRoute[]): string {
  const rows = routes.map((route) => [
    route.id,
    route.state,
    route.service ?? '-',
    route.state === 'canary' ? `${route.canaryPercent ?? 0}%` : route.shadowMatch ? matchText(route.shadowMatch) : '',
    route.shadowMatch ? evidenceText(route.shadowMatch) : '',
    route.shadowGate ? gateText(route.shadowGate) : '',
    route.lastChange ? `${route.lastChange.at.slice(0, 19)} ${route.lastChange.by}: ${route.lastChange.reason}` : '',
  ]);
  return table(['ROUTE', 'STATE', 'SERVICE', 'CANARY/MATCH', 'EVIDENCE (matching/compared)', 'PROMOTION', 'LAST CHANGE'], rows);
}

/** `2xx 15/16 (10 logged-in), 4xx 40/40`: what the samples were answers to, by the monolith's status class. */
export function evidenceText(evidence: Evidence): string {
  if (!evidence.byStatus) return '';
  const parts: string[] = [];
  for (const [name, kinds] of Object.entries(evidence.byStatus)) {
    const matches = kinds.authenticated.matches + kinds.anonymous.matches;
    const compared = matches + kinds.authenticated.mismatches + kinds.anonymous.mismatches;
    if (compared === 0) continue;
    parts.push(`${name} ${matches}/${compared}${name === '2xx' ? ` (${kinds.authenticated.matches} logged-in)` : ''}`);
  }
  return parts.join(', ') || 'none yet';
}

export function gateText(verdict: Verdict): string {
  return verdict.promotable ? 'ready' : `needs ${verdict.missing.join('; ')}`;
}

export function formatDiffs(result: Diffs): string {
  const lines: string[] = [];
  if (result.matchRate) lines.push(`match rate: ${matchText(result.matchRate)}`);
  if (result.matchRate?.byStatus) lines.push(`evidence (matching/compared, by the monolith's status): ${evidenceText(result.matchRate)}`);
  if (result.shadowGate) lines.push(`promotion: ${gateText(result.shadowGate)}`);
  if (result.learnedNoise?.length) lines.push(`learned noise (ignored): ${result.learnedNoise.join(', ')}`);
  for (const mismatch of result.mismatches) {
    lines.push(`${mismatch.at}  ${mismatch.routeId}  ${mismatch.method} ${mismatch.url}  (request ${mismatch.requestId})`);
    for (const difference of mismatch.differences)
      lines.push(`    ${difference.key}: legacy ${JSON.stringify(difference.legacy)} ≠ service ${JSON.stringify(difference.service)}`);
  }
  if (result.mismatches.length === 0) lines.push('no mismatches recorded');
  return `${lines.join('\n')}\n`;
}

function matchText(rate: Evidence): string {
  return rate.rate === null ? 'no samples' : `${(rate.rate * 100).toFixed(2)}% of ${rate.samples}`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
