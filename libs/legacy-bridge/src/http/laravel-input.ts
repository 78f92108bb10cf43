/**
 * `$request->input('_token')` as Laravel 8 computes it: the body's input source (JSON when the
 * Content-Type says so, else the form fields PHP and Symfony parsed) first, then the query string;
 * strings trimmed (TrimStrings) and '' turned into null (ConvertEmptyStringsToNull), both global
 * middleware that run before the web group. Values are PHP-like: a string, null, an array (a list
 * here) or, from JSON, a number or boolean.
 */

/** Where Laravel reads input from for this request's body, or undefined when it reads none. */
export type InputSource = 'json' | 'form' | 'multipart';

const NO_INPUT = Symbol('no input');
type Found = unknown | typeof NO_INPUT;

/** Illuminate\Http\Request::isJson, then what PHP (POST) and Symfony (PUT/PATCH/DELETE) parse. */
export function inputSource(contentType: string | undefined, method: string): InputSource | undefined {
  if (!contentType) return undefined;
  // Case-sensitive, as Str::contains is.
  if (contentType.includes('/json') || contentType.includes('+json')) return 'json';
  if (method === 'POST') {
    // PHP's SAPI: the media type before ';', ',' or ' ', compared in lower case.
    const media = contentType.split(/[;, ]/, 1)[0]?.toLowerCase();
    if (media === 'application/x-www-form-urlencoded') return 'form';
    if (media === 'multipart/form-data') return 'multipart';
    return undefined;
  }
  // Symfony's Request::createFromGlobals parses the body itself for these methods only.
  if ((method === 'PUT' || method === 'PATCH' || method === 'DELETE') && contentType.startsWith('application/x-www-form-urlencoded')) return 'form';
  return undefined;
}

/** The `_token` input of a request; undefined when neither the body nor the query has one. */
export function inputToken(query: string, body: Buffer | undefined, source: InputSource | undefined, contentType: string | undefined): unknown {
  const found = rawInput('_token', query, body, source, contentType);
  return found === NO_INPUT ? undefined : clean(found);
}

/**
 * A field as Symfony's parameter bags hold it before Laravel's middleware touch it (no trimming):
 * `$request->request->get(name, $request->query->get(name))`, as `Request::getMethod()` reads `_method`.
 */
export function rawInputField(
  name: string,
  query: string,
  body: Buffer | undefined,
  source: InputSource | undefined,
  contentType: string | undefined,
): unknown {
  const found = rawInput(name, query, body, source, contentType);
  return found === NO_INPUT ? undefined : found;
}

function rawInput(name: string, query: string, body: Buffer | undefined, source: InputSource | undefined, contentType: string | undefined): Found {
  let found: Found = NO_INPUT;
  if (body && source === 'json') found = jsonField(body, name);
  else if (body && source === 'form') found = formField(body.toString('latin1'), name);
  else if (body && source === 'multipart') found = multipartField(body, contentType ?? '', name);
  if (found === NO_INPUT && query) found = formField(query, name);
  return found;
}

/** PHP's `!$value`: null, false, 0, 0.0, '', '0' and the empty array are falsy. */
export function phpFalsy(value: unknown): boolean {
  return (
    value === undefined || value === null || value === false || value === 0 || value === '' || value === '0' || (Array.isArray(value) && value.length === 0)
  );
}

/** TrimStrings (PHP's trim: space, \t, \n, \r, \0, \x0B) then ConvertEmptyStringsToNull, recursively. */
function clean(value: unknown): unknown {
  if (typeof value === 'string') {
    const trimmed = phpTrim(value);
    return trimmed === '' ? null : trimmed;
  }
  if (Array.isArray(value)) return value.map(clean);
  return value;
}

const PHP_TRIMMED = new Set([' ', '\t', '\n', '\r', '\0', '\x0B']);

function phpTrim(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && PHP_TRIMMED.has(value.charAt(start))) start++;
  while (end > start && PHP_TRIMMED.has(value.charAt(end - 1))) end--;
  return value.slice(start, end);
}

function jsonField(body: Buffer, field: string): Found {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return NO_INPUT; // json_decode gives null: no input at all
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return NO_INPUT;
  if (!Object.prototype.hasOwnProperty.call(parsed, field)) return NO_INPUT;
  const value = (parsed as Record<string, unknown>)[field];
  // json_decode(…, true): an object is an array too, an empty one is falsy.
  return value && typeof value === 'object' && !Array.isArray(value) ? Object.values(value) : value;
}

/** PHP's parse_str / $_POST for one field: the last field of that (normalised) name wins. */
function formField(text: string, field: string): Found {
  let found: Found = NO_INPUT;
  for (const pair of text.split('&')) {
    if (!pair) continue;
    const equals = pair.indexOf('=');
    const name = phpVariable(urlDecode(equals === -1 ? pair : pair.slice(0, equals)));
    if (name?.base !== field) continue;
    const value = equals === -1 ? '' : urlDecode(pair.slice(equals + 1));
    found = name.array ? [...(Array.isArray(found) ? found : []), value] : value;
  }
  return found;
}

/** One field of a multipart/form-data body (a field, not a file); the last one wins, as in PHP. */
function multipartField(body: Buffer, contentType: string, field: string): Found {
  const match = /boundary=(?:"([^"]+)"|([^;,\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) return NO_INPUT;
  const delimiter = Buffer.from(`--${boundary}`);
  let found: Found = NO_INPUT;
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const partStart = start + delimiter.length;
    if (body.subarray(partStart, partStart + 2).toString('latin1') === '--') break; // closing delimiter
    const next = body.indexOf(delimiter, partStart);
    if (next === -1) break;
    const part = body.subarray(partStart, next);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString('latin1');
      const disposition = /^content-disposition:\s*form-data(.*)$/im.exec(headers)?.[1] ?? '';
      const fieldName = /;\s*name="([^"]*)"/i.exec(disposition)?.[1] ?? /;\s*name=([^;\s]+)/i.exec(disposition)?.[1];
      const isFile = /;\s*filename\*?=/i.test(disposition);
      const name = fieldName === undefined || isFile ? undefined : phpVariable(fieldName);
      if (name?.base === field) {
        // The value ends before the CRLF that precedes the next delimiter.
        let end = part.length;
        if (part[end - 2] === 0x0d && part[end - 1] === 0x0a) end -= 2;
        const value = part.subarray(headerEnd + 4, end).toString('utf8');
        found = name.array ? [...(Array.isArray(found) ? found : []), value] : value;
      }
    }
    start = next;
  }
  return found;
}

/**
 * php_register_variable_ex: leading spaces dropped, then spaces and dots before the first `[`
 * become `_`; `name[...]` is an array; an unmatched `[` becomes `_` too. Checked for `_token` and
 * `_method` against parse_str (laravel-input.php.spec.ts). Known differences: PHP cuts a name at a
 * NUL byte (`_token%00x` is `_token` there, no field here), and after an unmatched `[` it also
 * turns spaces, dots and `[` into `_` (no name that reads as `_token` or `_method` either way).
 */
function phpVariable(raw: string): { base: string; array: boolean } | undefined {
  const name = raw.replace(/^ +/, '');
  const bracket = name.indexOf('[');
  if (bracket === -1) return name ? { base: name.replace(/[ .]/g, '_'), array: false } : undefined;
  const head = name.slice(0, bracket).replace(/[ .]/g, '_');
  if (!head) return undefined;
  if (name.indexOf(']', bracket) !== -1) return { base: head, array: true };
  return { base: `${head}_${name.slice(bracket + 1)}`, array: false };
}

/** PHP's urldecode over a byte string (latin1): `+` is a space, `%XX` a byte, a malformed escape stays. */
function urlDecode(text: string): string {
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (char === 0x2b) bytes.push(0x20);
    else if (char === 0x25 && /^[0-9A-Fa-f]{2}$/.test(text.slice(index + 1, index + 3))) {
      bytes.push(parseInt(text.slice(index + 1, index + 3), 16));
      index += 2;
    } else bytes.push(char & 0xff);
  }
  return Buffer.from(bytes).toString('utf8');
}
