/**
 * The query string as a Laravel controller sees it: parsed like PHP's parse_str (`a[]=1`, `a[b]=2`,
 * last duplicate wins, `.` and spaces in names become `_`), then cleaned by the TrimStrings and
 * ConvertEmptyStringsToNull middleware. PHP arrays keep insertion order, so they are Maps here.
 *
 * Checked against PHP 8.2 and the monolith's middleware (php-query.php.spec.ts). Known differences,
 * none of them reachable through the catalog's parameters: a NUL byte in a name (PHP cuts the name
 * there), more than 64 levels of brackets (PHP drops the variable), `[]` after only negative or
 * PHP_INT_MAX keys (PHP continues from the largest key, or drops it), a name starting with an
 * unclosed `[` (PHP drops it), `[` after an unclosed one (PHP makes it `_`), an index of one
 * whitespace character (PHP appends), malformed UTF-8 from `%XX` (PHP keeps the byte, this keeps the
 * escape), and the monolith's TrimStrings `$except` (`password`, `password_confirmation` keep
 * their spaces there).
 */
export type PhpValue = string | null | PhpArray;
export type PhpArray = Map<string, PhpValue>;

// PHP's trim(): space, \t, \n, \r, NUL and vertical tab.
const PHP_TRIMMED = new RegExp('^[ \\t\\n\\r\\0\\v]+|[ \\t\\n\\r\\0\\v]+$', 'g');

function urldecode(raw: string): string {
  const spaced = raw.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    // PHP leaves malformed escapes as they are; decode the well-formed ones one by one.
    return spaced.replace(/(%[0-9a-fA-F]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}

function nextIndex(array: PhpArray): string {
  let max = -1;
  for (const key of array.keys()) if (/^(0|-?[1-9]\d*)$/.test(key)) max = Math.max(max, Number(key));
  return String(max + 1);
}

/** Splits `a[b][]` into ['a', 'b', ''] the way PHP's variable registration does. */
function nameSegments(rawName: string): string[] {
  const name = rawName.replace(/^ +/, '');
  const open = name.indexOf('[');
  const base = (open === -1 ? name : name.slice(0, open)).replace(/[ .]/g, '_');
  if (open === -1) return [base];
  const segments = [base];
  let rest = name.slice(open);
  while (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close === -1) {
      // An unclosed bracket: PHP turns the first '[' into '_' and keeps the rest as the name.
      if (segments.length === 1) return [base + '_' + name.slice(open + 1).replace(/[ .]/g, '_')];
      break;
    }
    segments.push(rest.slice(1, close));
    rest = rest.slice(close + 1);
  }
  return segments;
}

export function parsePhpQuery(query: string): PhpArray {
  const result: PhpArray = new Map();
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = urldecode(eq === -1 ? pair : pair.slice(0, eq));
    const value = urldecode(eq === -1 ? '' : pair.slice(eq + 1));
    const segments = nameSegments(name);
    if (segments[0] === '') continue;
    let target = result;
    for (let i = 0; i < segments.length - 1; i++) {
      const key = segments[i] === '' ? nextIndex(target) : segments[i];
      let child = target.get(key);
      if (!(child instanceof Map)) {
        child = new Map();
        target.set(key, child);
      }
      target = child;
    }
    const last = segments[segments.length - 1];
    target.set(segments.length > 1 && last === '' ? nextIndex(target) : last, value);
  }
  return clean(result);
}

/** TrimStrings + ConvertEmptyStringsToNull, recursively. */
function clean(array: PhpArray): PhpArray {
  for (const [key, value] of array) {
    if (value instanceof Map) clean(value);
    else if (typeof value === 'string') {
      const trimmed = value.replace(PHP_TRIMMED, '');
      array.set(key, trimmed === '' ? null : trimmed);
    }
  }
  return array;
}

/** rawurlencode: everything but A-Z a-z 0-9 - _ . ~ */
function rawurlencode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** http_build_query($params, '', '&', PHP_QUERY_RFC3986): nulls are left out. */
export function phpBuildQuery(params: PhpArray, prefix?: string): string {
  const parts: string[] = [];
  for (const [key, value] of params) {
    const name = prefix === undefined ? rawurlencode(key) : `${prefix}%5B${rawurlencode(key)}%5D`;
    if (value === null) continue;
    if (value instanceof Map) {
      const nested = phpBuildQuery(value, name);
      if (nested) parts.push(nested);
    } else parts.push(`${name}=${rawurlencode(value)}`);
  }
  return parts.join('&');
}
