import type { IncomingHttpHeaders } from 'node:http';
import { compileIgnoreRules, diffJson, generalize } from './json-diff.js';

export interface ComparableResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  truncated?: boolean;
}

export interface Difference {
  /** `status`, `header:<name>`, `body:<json path>` or `body:*` for a non-JSON body. */
  key: string;
  legacy?: unknown;
  service?: unknown;
}

export interface ComparisonRules {
  headers: readonly string[];
  ignore: readonly string[];
  /** Keys (as in Difference.key, JSON paths generalized) that differ between two answers of the monolith. */
  noise: ReadonlySet<string>;
}

/** Status, chosen headers and body (JSON structurally, anything else byte for byte). */
export function compareResponses(legacy: ComparableResponse, service: ComparableResponse, rules: ComparisonRules): Difference[] {
  const differences: Difference[] = [];
  if (legacy.status !== service.status && !rules.noise.has('status')) differences.push({ key: 'status', legacy: legacy.status, service: service.status });
  for (const name of rules.headers) {
    const left = normalizeHeader(name, legacy.headers[name]);
    const right = normalizeHeader(name, service.headers[name]);
    if (left !== right && !rules.noise.has(`header:${name}`)) differences.push({ key: `header:${name}`, legacy: left, service: right });
  }
  if (legacy.truncated || service.truncated || rules.noise.has('body:*')) return differences;
  const left = parseJson(legacy);
  const right = parseJson(service);
  if (left.json && right.json) {
    const ignored = compileIgnoreRules(rules.ignore);
    for (const path of diffJson(left.value, right.value)) {
      if (ignored(path) || isNoise(path, rules.noise)) continue;
      differences.push({ key: `body:${path}`, legacy: valueAt(left.value, path), service: valueAt(right.value, path) });
    }
  } else if (!legacy.body.equals(service.body)) {
    differences.push({ key: 'body:*', legacy: `${legacy.body.length} bytes`, service: `${service.body.length} bytes` });
  }
  return differences;
}

/** What differs between two answers of the monolith to the same request: noise, never compared. */
export function learnNoise(first: ComparableResponse, second: ComparableResponse, headers: readonly string[]): string[] {
  const keys = compareResponses(first, second, { headers, ignore: [], noise: new Set() }).map((difference) =>
    difference.key.startsWith('body:$') ? `body:${generalize(difference.key.slice(5))}` : difference.key,
  );
  return [...new Set(keys)];
}

function isNoise(path: string, noise: ReadonlySet<string>): boolean {
  if (noise.size === 0) return false;
  const general = generalize(path);
  if (noise.has(`body:${general}`)) return true;
  // Noise learned on an object covers its fields: `$.meta` differing covers `$.meta.at`.
  for (let cut = general.length; cut > 1; cut--) {
    const character = general[cut];
    if ((character === '.' || character === '[') && noise.has(`body:${general.slice(0, cut)}`)) return true;
  }
  return false;
}

function normalizeHeader(name: string, value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? value.join(', ') : value;
  return name === 'content-type' ? text.toLowerCase().replace(/\s+/g, '') : text;
}

function parseJson(response: ComparableResponse): { json: boolean; value?: unknown } {
  const type = String(response.headers['content-type'] ?? '');
  if (!type.includes('json') || response.body.length === 0) return { json: false };
  try {
    return { json: true, value: JSON.parse(response.body.toString('utf8')) };
  } catch {
    return { json: false };
  }
}

function valueAt(root: unknown, path: string): unknown {
  let current: unknown = root;
  for (const match of path.slice(1).matchAll(/\.([^.[]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g)) {
    const key = match[1] ?? (match[2] !== undefined ? Number(match[2]) : JSON.parse(`"${match[3]}"`));
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}
