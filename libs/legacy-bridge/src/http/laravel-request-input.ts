import { type PhpArray, parsePhpQuery } from '../php/php-query.js';
import { inputSource } from './laravel-input.js';
import { phpJsonDecode } from './php-json-decode.js';

/**
 * `$request->all()` as a Laravel 8 controller sees it, after the TrimStrings and
 * ConvertEmptyStringsToNull middleware: the body's input source merged with the query string
 * (`$source->all() + $query->all()`, the body's keys winning), so that every slice reads a request
 * as the monolith it replaces does:
 *
 * - JSON (`Content-Type` containing `/json` or `+json`): `(array) json_decode($body, true)`. An
 *   empty, invalid or too deeply nested body, trailing bytes or a BOM are no input at all (PHP's
 *   null), a scalar is `[0 => scalar]`; `__proto__` is an ordinary key.
 * - form bodies (POST, and PUT/PATCH/DELETE as Symfony parses them): parse_str.
 * - any other body (text/plain, no Content-Type): no input; the query string alone.
 *
 * The result is plain data: a PHP array whose keys are 0…n-1 in order is a JavaScript array, any
 * other a null-prototype object; integers beyond 2^53 are bigints and JSON floats `PhpFloat`s
 * (see php-json-decode.ts). Known difference: multipart bodies give their fields through
 * `rawInputField` only, not here (no migrated route takes multipart input).
 */
export interface LaravelRequest {
  method: string;
  contentType: string | undefined;
  /** The raw query string, without `?`. */
  query: string;
  body: Buffer | undefined;
}

export interface LaravelInputOptions {
  /** TrimStrings' `$except`: dotted keys whose strings keep their spaces (the monolith's own list). */
  untrimmed?: readonly string[];
}

/** App\Http\Middleware\TrimStrings::$except of the monolith. */
export const MONOLITH_UNTRIMMED = ['password', 'password_confirmation'] as const;

export function laravelRequestInput(request: LaravelRequest, options: LaravelInputOptions = {}): unknown[] | Record<string, unknown> {
  const untrimmed = new Set(options.untrimmed ?? MONOLITH_UNTRIMMED);
  const source = inputSource(request.contentType, request.method);
  let input: PhpArray;
  if (source === 'json') input = phpArrayCast(request.body ? phpJsonDecode(request.body) : undefined);
  else if (source === 'form' && request.body) input = parsePhpQuery(request.body.toString('utf8'));
  else input = new Map();
  for (const [key, value] of parsePhpQuery(request.query)) if (!input.has(key)) input.set(key, value);
  return plain(clean(input, '', untrimmed)) as unknown[] | Record<string, unknown>;
}

/** `(array) $value`: null is [], a scalar `[0 => $value]`, a decoded array itself (as a Map). */
function phpArrayCast(value: unknown): PhpArray {
  if (value === undefined || value === null) return new Map();
  const array = toMap(value);
  return array instanceof Map ? array : new Map([['0', array as never]]);
}

function toMap(value: unknown): unknown {
  if (Array.isArray(value)) return new Map(value.map((item, index) => [String(index), toMap(item)]));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return new Map(Object.entries(value).map(([key, item]) => [key, toMap(item)]));
  }
  return value;
}

/** TrimStrings (PHP's trim) then ConvertEmptyStringsToNull, by dotted key as Laravel's cleanArray. */
function clean(array: Map<string, unknown>, prefix: string, untrimmed: ReadonlySet<string>): Map<string, unknown> {
  for (const [key, value] of array) {
    const path = `${prefix}${key}`;
    if (value instanceof Map) clean(value, `${path}.`, untrimmed);
    else if (typeof value === 'string') {
      const trimmed = untrimmed.has(path) ? value : phpTrim(value);
      array.set(key, trimmed === '' ? null : trimmed);
    }
  }
  return array;
}

const PHP_TRIMMED = /^[ \t\n\r\0\v]+|[ \t\n\r\0\v]+$/g;

function phpTrim(value: string): string {
  return value.replace(PHP_TRIMMED, '');
}

function plain(value: unknown): unknown {
  if (!(value instanceof Map)) return value;
  const entries = [...value.entries()];
  if (entries.every(([key], index) => key === String(index))) return entries.map(([, item]) => plain(item));
  const object: Record<string, unknown> = Object.create(null);
  for (const [key, item] of entries) object[key] = plain(item);
  return object;
}
