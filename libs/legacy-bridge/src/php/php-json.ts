/**
 * PHP's json_encode with the flags Laravel's JsonResponse uses (none): slashes escaped as `\/`
 * and every non-ASCII character as a lowercase `\uXXXX` escape (astral ones as surrogate pairs).
 * JSON.stringify already escapes quotes, backslashes and control characters exactly as PHP does.
 * Numbers are JavaScript's: PHP switches floats to exponent notation at other magnitudes (from
 * 1e17 and below 1e-4, as `1.0e+17`), so values that must match are integers, decimals between
 * those, or strings. A bigint is written as the integer it is (PHP's ints reach 2^63 - 1).
 */
const PHP_ESCAPED = /[/\u0080-\uffff]/g;

function phpEscape(char: string): string {
  return char === '/' ? '\\/' : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** `response()->json($value)` */
export function phpJson(value: unknown): string {
  return JSON.stringify(value, exactIntegers).replace(PHP_ESCAPED, phpEscape);
}

/** Laravel's exception handler: JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES (4 spaces, `": "`). */
export function phpPrettyJson(value: unknown): string {
  return JSON.stringify(value, exactIntegers, 4).replace(/[\u0080-\uffff]/g, phpEscape);
}

/** `json_encode($value, JSON_UNESCAPED_UNICODE)`, as Laravel's queue writes job payloads: slashes escaped, unicode as is. */
export function phpJsonUnescapedUnicode(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u2028\u2029]/g, phpEscape);
}

// ES2024's JSON.rawJSON (Node 21+); the workspace's lib setting is ES2023.
const rawJson = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

function exactIntegers(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? rawJson(value.toString()) : value;
}

/**
 * A value that phpJson writes as PHP's json_encode writes this float (serialize_precision -1):
 * the shortest round-trip digits, in exponent form from 1e17 and below 1e-4 (`1.0e+20`, `1.0e-5`).
 */
export function phpJsonFloat(value: number): unknown {
  const magnitude = Math.abs(value);
  if (value === 0 || !Number.isFinite(value) || (magnitude < 1e17 && magnitude >= 1e-4)) return value;
  const [mantissa, exponent] = value.toExponential().split('e');
  return rawJson(`${mantissa.includes('.') ? mantissa : `${mantissa}.0`}e${exponent}`);
}
