/**
 * One meaning for a request path, the one the monolith's router gives it. Laravel (like Symfony)
 * matches `rawurldecode`d paths with the slashes at both ends trimmed, after the front controller
 * (`/index.php`) is taken off. The gateway matches its route table on that same reading and sends
 * a slice that same path, encoded once, so `/api/%6Frders`, `/api/orders/` and
 * `/index.php/api/orders` are all the route `/api/orders` for the gateway, the monolith and the
 * slice alike. What two readers could take two ways is refused: an encoded slash inside a segment
 * (unless the route allows it), dot segments, NUL, malformed escapes, bytes that are not UTF-8.
 */
export type CanonicalPath =
  | {
      ok: true;
      /** Decoded once, trimmed, encoded once again: what the route table matches and a slice receives. */
      path: string;
      /** `''` or `?…` exactly as the client sent it. */
      query: string;
      /** The path held an encoded slash (`%2F`), kept encoded inside its segment. */
      encodedSlash: boolean;
    }
  | { ok: false; problem: PathProblem };

export type PathProblem = 'encoded-slash' | 'dot-segment' | 'nul' | 'malformed-escape' | 'not-utf8' | 'not-origin-form';

export const PATH_PROBLEMS: Record<PathProblem, string> = {
  'encoded-slash': 'the path holds an encoded slash (%2F) inside a segment, which the monolith and a slice would read differently',
  'dot-segment': 'the path holds a "." or ".." segment',
  nul: 'the path holds a NUL byte',
  'malformed-escape': 'the path holds a "%" that is not followed by two hexadecimal digits',
  'not-utf8': 'the path decodes to bytes that are not UTF-8',
  'not-origin-form': 'the request target must be a path starting with "/"',
};

const FRONT_CONTROLLER = '/index.php';
/** What needs the slow path: escapes, doubled or trailing slashes, dot segments, the front controller. */
const NEEDS_WORK = /%|\/\/|\/\.|.\/$|#/;
const decoder = new TextDecoder('utf-8', { fatal: true });

export function canonicalPath(url: string, options: { allowEncodedSlash?: boolean } = {}): CanonicalPath {
  const queryAt = url.indexOf('?');
  const raw = queryAt === -1 ? url : url.slice(0, queryAt);
  const query = queryAt === -1 ? '' : url.slice(queryAt);
  if (raw.charCodeAt(0) !== 47 /* / */) return { ok: false, problem: 'not-origin-form' };
  // Nearly every request: nothing to decode or trim, the path is its own canonical form.
  if (!NEEDS_WORK.test(raw) && !raw.startsWith(FRONT_CONTROLLER)) return { ok: true, path: raw, query, encodedSlash: false };

  if (raw.includes('#')) return { ok: false, problem: 'malformed-escape' };
  const segments: string[] = [];
  let encodedSlash = false;
  for (const rawSegment of raw.split('/')) {
    const decoded = decodeSegment(rawSegment);
    if (typeof decoded !== 'string') return { ok: false, problem: decoded.problem };
    if (decoded.includes('/')) {
      if (!options.allowEncodedSlash) return { ok: false, problem: 'encoded-slash' };
      encodedSlash = true;
    }
    if (decoded === '.' || decoded === '..') return { ok: false, problem: 'dot-segment' };
    segments.push(decoded);
  }
  // Symfony's path info drops the front controller; Laravel's UriValidator then matches
  // rawurldecode(rtrim(pathInfo, '/')): trailing slashes go, leading and inner empty segments stay.
  let kept = segments;
  if (kept[1] === FRONT_CONTROLLER.slice(1)) kept = ['', ...kept.slice(2)];
  let last = kept.length;
  while (last > 1 && kept[last - 1] === '') last--;
  kept = kept.slice(0, last);
  const path = kept.map(encodeSegment).join('/');
  return { ok: true, path: path === '' ? '/' : path, query, encodedSlash };
}

function decodeSegment(segment: string): string | { problem: PathProblem } {
  if (!segment.includes('%')) return segment.includes('\0') ? { problem: 'nul' } : segment;
  const bytes: number[] = [];
  for (let index = 0; index < segment.length; index++) {
    const code = segment.charCodeAt(index);
    if (code === 37 /* % */) {
      const hex = segment.slice(index + 1, index + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return { problem: 'malformed-escape' };
      bytes.push(parseInt(hex, 16));
      index += 2;
    } else if (code > 0x7f) {
      for (const byte of Buffer.from(segment[index] ?? '', 'utf8')) bytes.push(byte);
    } else bytes.push(code);
  }
  if (bytes.includes(0)) return { problem: 'nul' };
  try {
    return decoder.decode(Uint8Array.from(bytes));
  } catch {
    return { problem: 'not-utf8' };
  }
}

/** Percent-encodes what a path segment may not hold literally; RFC 3986 sub-delims, ':' and '@' stay. */
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/%(?:3A|40|24|26|2B|2C|3B|3D)/g, (escape) => decodeURIComponent(escape));
}
