import { PhpObject } from './php-object.js';
import {
  SerializedFloat,
  type SerializedValue,
  type UnserializeOptions,
  unserializeAt,
  unserializeLossless,
  unserializeSessionData,
} from './php-serialized.js';

/**
 * Plain views of the one PHP reader (php-serialized.ts), for code that reads values and never
 * writes them back: PHP arrays become JavaScript arrays (lists) or objects, floats numbers,
 * strings that are not UTF-8 strings with U+FFFD in place, objects PhpObjects (never instances of
 * anything) whose private and protected property names lose PHP's "\0Class\0" / "\0*\0" mangling,
 * integer property names (__serialize() arrays, Symfony's tokens) kept as strings.
 */
export type BoundedUnserializeOptions = Pick<UnserializeOptions, 'allowedClasses' | 'maxDepth' | 'references'>;

/** One value starting at `offset` and where it ended (PHP's session format, `name|value…`). */
export function phpUnserializeAt(data: Buffer, offset: number, options: BoundedUnserializeOptions): { value: unknown; end: number } {
  const { value, end } = unserializeAt(data, offset, { ...options, integerPropertyNames: true });
  return { value: plainPhpValue(value), end };
}

/** One whole serialized value: nothing may follow it. */
export function phpUnserializeBounded(serialized: string | Buffer, options: BoundedUnserializeOptions): unknown {
  const data = typeof serialized === 'string' ? Buffer.from(serialized, 'utf8') : serialized;
  return plainPhpValue(unserializeLossless(data, { ...options, integerPropertyNames: true }));
}

/**
 * A Laravel session payload (serialize($attributes)). Objects of classes we do not know (a flashed
 * ViewErrorBag, a model) are read as inert PhpObjects; an object the session holds under two keys
 * is written once and then as a reference (`r:`), which is read as the same value.
 */
export function phpUnserialize(serialized: string): unknown {
  return phpUnserializeBounded(serialized, { allowedClasses: 'any', references: 'resolve' });
}

/**
 * PHP's own session encoding (`name|value…`, what Symfony's sessions are stored in): objects of any
 * class read as inert PhpObjects, references resolved across the variables as session_decode()
 * numbers them (Symfony's attribute bag holding one object twice writes `r:`).
 */
export function phpUnserializeSessionData(data: Buffer): Record<string, unknown> {
  const seen = new Map<object, unknown>();
  const variables = unserializeSessionData(data, { allowedClasses: 'any', references: 'resolve', integerPropertyNames: true });
  return Object.fromEntries(variables.map(([name, value]) => [name, plainPhpValue(value, seen)]));
}

/**
 * PHP's unserialize($value, ['allowed_classes' => $allowed]) for a queued job: an object of any
 * other class is an UnexpectedPhpClassError (never an incomplete object that code might act on),
 * broken input a CorruptPhpSerializationError.
 */
export function phpUnserializeStrict(serialized: string, allowedClasses: readonly string[]): unknown {
  return phpUnserializeBounded(serialized, { allowedClasses, maxDepth: 512 });
}

function plainPhpValue(value: SerializedValue, seen = new Map<object, unknown>()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof SerializedFloat) return value.value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  // A resolved reference is the same value twice: it stays one value, so what a reader gets is never larger than what it read.
  if (seen.has(value)) return seen.get(value);
  let plain: unknown;
  if (Array.isArray(value)) plain = value.map((item) => plainPhpValue(item, seen));
  else if (value instanceof Map) plain = Object.fromEntries([...value].map(([key, item]) => [String(key), plainPhpValue(item, seen)]));
  else
    plain = new PhpObject(
      value.phpClass,
      Object.fromEntries(Object.entries(value.properties).map(([key, item]) => [unmangle(key), plainPhpValue(item as SerializedValue, seen)])),
    );
  seen.set(value, plain);
  return plain;
}

/** `\0App\User\0id` and `\0*\0id` are the private and protected property `id`. */
function unmangle(key: string): string {
  if (!key.startsWith('\0')) return key;
  const end = key.indexOf('\0', 1);
  return end === -1 ? key : key.slice(end + 1);
}
