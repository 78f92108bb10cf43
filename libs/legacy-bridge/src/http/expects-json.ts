import type { IncomingHttpHeaders } from 'node:http';

/**
 * Whether Laravel's exception handler answers this request with JSON: `$request->expectsJson()`,
 * or a path the app's Handler::shouldReturnJson names (this monolith: `api/*`, `_offramp/*`,
 * `webhooks/*`), given as `Request::is` patterns.
 */
export function answersJson(headers: IncomingHttpHeaders, url: string, jsonPaths: readonly RegExp[]): boolean {
  return expectsJson(headers) || (jsonPaths.length > 0 && pathIs(url, jsonPaths));
}

/** `($this->ajax() && ! $this->pjax() && $this->acceptsAnyContentType()) || $this->wantsJson()` */
export function expectsJson(headers: IncomingHttpHeaders): boolean {
  const acceptable = acceptableContentTypes(single(headers['accept']));
  const first = acceptable[0];
  const ajax = single(headers['x-requested-with']) === 'XMLHttpRequest';
  // `$this->headers->get('X-PJAX') == true`: any value but '' and '0'.
  const pjaxHeader = single(headers['x-pjax']);
  const pjax = pjaxHeader !== undefined && pjaxHeader !== '' && pjaxHeader !== '0';
  const acceptsAny = acceptable.length === 0 || first === '*/*' || first === '*';
  const wantsJson = first !== undefined && (first.toLowerCase().includes('/json') || first.toLowerCase().includes('+json'));
  return (ajax && !pjax && acceptsAny) || wantsJson;
}

/** `Str::is` patterns (`*` is any run of characters) compiled once: `api/*` → /^api\/.*$/u. */
export function compilePathPatterns(patterns: readonly string[]): RegExp[] {
  return patterns.map((pattern) => new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\/#-]/g, (char) => (char === '*' ? '.*' : `\\${char}`))}$`, 'u'));
}

/** `Request::is`: the path without slashes at either end (`/` for the root), rawurldecoded. */
function pathIs(url: string, patterns: readonly RegExp[]): boolean {
  const query = url.indexOf('?');
  const raw = query === -1 ? url : url.slice(0, query);
  const trimmed = raw.replace(/^\/+|\/+$/g, '');
  let path = trimmed === '' ? '/' : trimmed;
  try {
    path = decodeURIComponent(path.replace(/\+/g, '%2B'));
  } catch {
    // rawurldecode leaves a malformed escape as it is
  }
  return patterns.some((pattern) => pattern.test(path));
}

/**
 * Symfony's AcceptHeader: items in order of quality (highest first), equal qualities in the order
 * sent; the media range as written.
 */
function acceptableContentTypes(accept: string | undefined): string[] {
  if (!accept) return [];
  // Keyed by value, as Symfony's array is: a value named again takes that later item's quality and place.
  const items = new Map<string, { value: string; quality: number; index: number }>();
  let index = 0;
  for (const part of accept.split(',')) {
    const [rawValue, ...parameters] = part.split(';');
    const value = rawValue?.trim() ?? '';
    if (!value) continue;
    let quality = 1;
    for (const parameter of parameters) {
      const [key, parameterValue] = parameter.split('=', 2);
      if (key?.trim().toLowerCase() === 'q' && parameterValue !== undefined) quality = Number.parseFloat(parameterValue.trim()) || 0;
    }
    items.set(value, { value, quality, index: index++ });
  }
  return [...items.values()].sort((a, b) => b.quality - a.quality || a.index - b.index).map((item) => item.value);
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
