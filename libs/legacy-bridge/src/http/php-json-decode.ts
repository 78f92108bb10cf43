/**
 * PHP's `json_decode($text, true)` (depth 512), the way Laravel's `$request->json()` reads a body:
 * undefined wherever PHP returns null for an error (invalid JSON, trailing bytes, a BOM, malformed
 * UTF-8, a lone UTF-16 surrogate escape, nesting deeper than PHP allows), never an exception and
 * never a stack overflow.
 *
 * Values are kept as PHP typed them: an integer literal within PHP_INT_MAX is a number (a bigint
 * beyond 2^53, so `9007199254740993` is not rounded), a literal with a fraction or exponent, or an
 * integer beyond PHP_INT_MAX, is a PHP float (`PhpFloat`), so that the validator's `integer` rule
 * can tell `1e15` (PHP: "1.0E+15", not an integer) from `1000000000000000`.
 *
 * Known difference: JavaScript orders an object's integer-like keys first (`{"b":1,"0":2}` reads
 * as 0, b; PHP keeps b, 0); it changes only the order of validation messages for such keys.
 */

/** PHP_JSON_PARSER_DEFAULT_DEPTH: arrays and objects nested 512 deep make json_decode fail. */
export const PHP_JSON_DEPTH = 512;

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** A PHP float from a JSON body: a number that PHP does not treat as an integer. */
export class PhpFloat {
  constructor(readonly value: number) {}

  valueOf(): number {
    return this.value;
  }

  /** `(string) $float` with PHP's default `precision` of 14 (what filter_var and `in` compare). */
  toString(): string {
    return phpFloatString(this.value);
  }
}

/** `(string) $float` (precision 14, `%.14G` with PHP's `1.0E+15` exponent form). */
export function phpFloatString(value: number): string {
  if (Number.isNaN(value)) return 'NAN';
  if (!Number.isFinite(value)) return value > 0 ? 'INF' : '-INF';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa, exponentText] = value.toExponential(13).split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 14) {
    let digits = mantissa.replace(/\.?0+$/, '');
    if (!digits.includes('.')) digits += '.0';
    return `${digits}E${exponent < 0 ? '-' : '+'}${Math.abs(exponent)}`;
  }
  return String(Number(value.toPrecision(14)));
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

type Reviver = (key: string, value: unknown, context?: { source?: string }) => unknown;

/** The decoded value, or undefined where json_decode returns null for an error (or for `null`). */
export function phpJsonDecode(body: Buffer | string, depth = PHP_JSON_DEPTH): unknown {
  let text: string;
  try {
    text = typeof body === 'string' ? body : UTF8.decode(body);
  } catch {
    return undefined; // JSON_ERROR_UTF8
  }
  if (nestingDepth(text) >= depth) return undefined; // JSON_ERROR_DEPTH, found before parsing anything
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, phpTyped as Reviver);
  } catch {
    return undefined; // JSON_ERROR_SYNTAX (a BOM and trailing bytes included)
  }
  return parsed === null || hasLoneSurrogate(parsed) ? undefined : parsed;
}

/** Numbers as PHP's scanner types them (the literal's own text, not the double). */
function phpTyped(this: unknown, _key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value !== 'number' || context?.source === undefined) return value;
  const source = context.source;
  if (/[.eE]/.test(source)) return new PhpFloat(value);
  const integer = BigInt(source);
  if (integer > INT64_MAX || integer < INT64_MIN) return new PhpFloat(value); // PHP's overflow to float
  return Number.isSafeInteger(value) ? (Object.is(value, -0) ? 0 : value) : integer;
}

/** The deepest nesting of arrays and objects, brackets inside strings not counted. */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c)
        index++; // the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x5b || char === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (char === 0x5d || char === 0x7d) depth--;
  }
  return deepest;
}

// ES2024's String.prototype.isWellFormed (Node 20+); the workspace's lib setting is ES2023.
const wellFormed = (text: string): boolean => (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/** json_decode refuses `\ud800` without its pair (JSON_ERROR_UTF16); JSON.parse accepts it. */
function hasLoneSurrogate(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'string') {
      if (!wellFormed(next)) return true;
    } else if (next !== null && typeof next === 'object' && !(next instanceof PhpFloat)) {
      for (const [key, child] of Object.entries(next)) {
        if (!wellFormed(key)) return true;
        pending.push(child);
      }
    }
  }
  return false;
}
