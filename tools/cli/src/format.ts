interface ListedRoute {
  id: string;
  state: string;
  service?: string;
  canaryPercent?: number;
  shadowMatch?: { rate: number | null; samples: number };
  lastChange?: { by: string; at: string; reason: string };
}

export function formatRoutes(routes: ListedRoute[]): string {
  const rows = routes.map((route) => [
    route.id,
    route.state,
    route.service ?? '-',
    route.state === 'canary' ? `${route.canaryPercent ?? 0}%` : route.shadowMatch ? matchText(route.shadowMatch) : '',
    route.lastChange ? `${route.lastChange.at.slice(0, 19)} ${route.lastChange.by}: ${route.lastChange.reason}` : '',
  ]);
  return table(['ROUTE', 'STATE', 'SERVICE', 'CANARY/MATCH', 'LAST CHANGE'], rows);
}

interface Mismatch {
  at: string;
  routeId: string;
  method: string;
  url: string;
  requestId: string;
  differences: { key: string; legacy?: unknown; service?: unknown }[];
}

export function formatDiffs(result: { matchRate?: { rate: number | null; samples: number }; learnedNoise?: string[]; mismatches: Mismatch[] }): string {
  const lines: string[] = [];
  if (result.matchRate) lines.push(`match rate: ${matchText(result.matchRate)}`);
  if (result.learnedNoise?.length) lines.push(`learned noise (ignored): ${result.learnedNoise.join(', ')}`);
  for (const mismatch of result.mismatches) {
    lines.push(`${mismatch.at}  ${mismatch.routeId}  ${mismatch.method} ${mismatch.url}  (request ${mismatch.requestId})`);
    for (const difference of mismatch.differences) lines.push(`    ${difference.key}: legacy ${JSON.stringify(difference.legacy)} ≠ service ${JSON.stringify(difference.service)}`);
  }
  if (result.mismatches.length === 0) lines.push('no mismatches recorded');
  return `${lines.join('\n')}\n`;
}

function matchText(rate: { rate: number | null; samples: number }): string {
  return rate.rate === null ? 'no samples' : `${(rate.rate * 100).toFixed(2)}% of ${rate.samples}`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
