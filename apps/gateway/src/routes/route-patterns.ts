import FindMyWay from 'find-my-way';
import { requirementToJs, ROUTE_SEPARATORS, spansSegments } from '@offramp/legacy-bridge';
import type { RouteSpec } from './route-spec.js';

/** One way a route is written into the router: the find-my-way pattern and, for a rest-of-path parameter, its requirement. */
export interface CompiledPattern {
  pattern: string;
  /** The requirement of the parameter that takes the rest of the path (find-my-way checks no regex on `*`). */
  rest?: RegExp;
}

export interface CompiledRoute {
  patterns: CompiledPattern[];
  /** find-my-way's host constraint: the exact host, or a pattern with parameters as a RegExp. */
  host?: string | RegExp;
}

type Token = { text: string } | { param: string; optional: boolean; inline?: string } | { rest: true };

/**
 * A route as find-my-way patterns that match what Symfony's route compiler (Laravel's too) matches:
 * - a requirement is the parameter's regex, anchored to the whole value (find-my-way wraps a
 *   segment's regexes in ^…$);
 * - a parameter with text after it in its segment stops at the separator that follows it
 *   (`{code}.{_format}`: code is `[^/.]+`), as Symfony's default requirement does;
 * - the trailing run of optional parameters (`{page?}`) may be left out, each with the separator
 *   before it (`/blog/{page?}` also matches `/blog`);
 * - the last parameter, when its requirement may take slashes (`.+`, `.*`), takes the rest of the path.
 * Compiled when the table changes, never per request.
 */
export function compileRoute(route: Pick<RouteSpec, 'path' | 'host' | 'requirements'>): CompiledRoute {
  const requirements = route.requirements ?? {};
  const tokens = tokenize(route.path);
  const variants: Token[][] = [tokens];
  const params = tokens.filter((token) => 'param' in token).length;
  // Optional only at the end: a `?` parameter followed by text or a required parameter is required.
  for (let current = tokens; ;) {
    const last = current[current.length - 1];
    if (!last || !('param' in last) || !last.optional) break;
    const before = current.slice(0, -1);
    const previous = before[before.length - 1];
    // The separator before a left-out parameter goes with it.
    if (previous && 'text' in previous && ROUTE_SEPARATORS.includes(previous.text.slice(-1))) {
      before[before.length - 1] = { text: previous.text.slice(0, -1) };
    }
    current = before.filter((token) => !('text' in token) || token.text.length > 0);
    // Symfony's compiler: `/{page}` may be `/`, but of `/{a}/{b}` (nothing but optional parameters) `a` stays required.
    if (current.length === 0 && params > 1) break;
    variants.push(current);
  }
  const patterns = variants.map((variant) => writePattern(variant, requirements));
  return { patterns: dedupe(patterns), ...(route.host ? { host: compileHost(route.host, requirements) } : {}) };
}

function tokenize(path: string): Token[] {
  const tokens: Token[] = [];
  let text = '';
  for (let i = 0; i < path.length; i++) {
    const name = path[i] === ':' ? /^[A-Za-z_][A-Za-z0-9_]*/.exec(path.slice(i + 1))?.[0] : undefined;
    if (path[i] === '*' && i === path.length - 1) {
      if (text) tokens.push({ text });
      tokens.push({ rest: true });
      return tokens;
    }
    if (!name) {
      text += path[i];
      continue;
    }
    if (text) tokens.push({ text });
    text = '';
    i += name.length;
    let inline: string | undefined;
    if (path[i + 1] === '(') {
      // A find-my-way regex written into the path itself (`:id(^\\d+$)`), up to its balanced parenthesis.
      const end = closingParenthesis(path, i + 1);
      inline = path.slice(i + 1, end + 1);
      i = end;
    }
    const optional = path[i + 1] === '?';
    if (optional) i++;
    tokens.push({ param: name, optional, ...(inline ? { inline } : {}) });
  }
  if (text) tokens.push({ text });
  return tokens;
}

function closingParenthesis(path: string, open: number): number {
  let depth = 0;
  for (let i = open; i < path.length; i++) {
    if (path[i] === '\\') i++;
    else if (path[i] === '(') depth++;
    else if (path[i] === ')' && --depth === 0) return i;
  }
  return path.length - 1;
}

function writePattern(tokens: Token[], requirements: Record<string, string>): CompiledPattern {
  let pattern = '';
  let rest: RegExp | undefined;
  tokens.forEach((token, index) => {
    if ('text' in token) {
      pattern += token.text.replace(/:/g, '::');
      return;
    }
    if ('rest' in token) {
      pattern += '*';
      const requirement = requirements['*'];
      if (requirement) rest = new RegExp(`^(?:${requirementToJs(requirement)})$`);
      return;
    }
    const requirement = requirements[token.param];
    const next = tokens[index + 1];
    if (!next && requirement && spansSegments(requirement)) {
      pattern += '*';
      rest = new RegExp(`^(?:${requirementToJs(requirement)})$`);
      return;
    }
    if (token.inline) {
      // A find-my-way regex written in the route file itself.
      pattern += `:${token.param}${token.inline}`;
      return;
    }
    const followedInSegment = next !== undefined && !('text' in next && next.text.startsWith('/'));
    if (requirement) pattern += `:${token.param}(${requirementToJs(requirement)})`;
    else if (followedInSegment) pattern += `:${token.param}(${defaultRequirement(next)})`;
    else pattern += `:${token.param}`;
  });
  return { pattern: pattern || '/', ...(rest ? { rest } : {}) };
}

/** Symfony's default requirement: no slash, and not the separator that follows (`[^/.]+` before `.{_format}`). */
function defaultRequirement(next: Token | undefined): string {
  const separator = next && 'text' in next ? next.text[0] : undefined;
  return separator && separator !== '/' && ROUTE_SEPARATORS.includes(separator) ? `[^/${escapeInClass(separator)}]+` : '[^/]+';
}

/** `{account}.example.com` → /^(?:[^.]+)\.example\.com$/i with the parameters' requirements; a host without parameters stays a string. */
function compileHost(host: string, requirements: Record<string, string>): string | RegExp {
  if (!host.includes('{')) return host;
  const source = host
    .split(/(\{\w+\})/)
    .filter(Boolean)
    .map((part) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      if (!name) return part.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
      const requirement = requirements[name];
      return `(?:${requirement ? requirementToJs(requirement) : '[^.]+'})`;
    })
    .join('');
  return new RegExp(`^${source}$`, 'i');
}

function escapeInClass(char: string): string {
  return /[\]\\^-]/.test(char) ? `\\${char}` : char;
}

function dedupe(patterns: CompiledPattern[]): CompiledPattern[] {
  const seen = new Set<string>();
  return patterns.filter((pattern) => !seen.has(pattern.pattern) && seen.add(pattern.pattern));
}

/**
 * Why the router would refuse the route, or undefined: checked when a route is written (admin API,
 * routes file, import), so that applying a stored route never fails on the watch of the bucket.
 */
export function routeRefusal(route: Pick<RouteSpec, 'path' | 'host' | 'requirements'>): string | undefined {
  try {
    const compiled = compileRoute(route);
    const probe = FindMyWay({ allowUnsafeRegex: true });
    for (const { pattern } of compiled.patterns) {
      probe.on('GET', pattern, compiled.host !== undefined ? { constraints: { host: compiled.host } } : {}, () => undefined);
    }
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
