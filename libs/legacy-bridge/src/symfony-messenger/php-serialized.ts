import { PhpFloat } from '../http/php-json-decode.js';
import { CorruptPhpSerializationError, PhpObject, UnexpectedPhpClassError } from '../queue/php-object.js';

/**
 * A value as PHP's serialize() writes it, kept losslessly so it can be written back byte for byte:
 * lists are arrays, any other PHP array a Map (PHP's key order, integer keys kept as numbers),
 * integers numbers (bigint beyond 2^53), floats SerializedFloat, strings JavaScript strings when
 * they are UTF-8 and Buffers when not, objects PhpObject with property names as PHP mangles them
 * (`\0Class\0name` private, `\0*\0name` protected).
 */
export type SerializedValue = null | boolean | number | bigint | string | Buffer | SerializedFloat | SerializedValue[] | SerializedMap | PhpObject;
export type SerializedMap = Map<number | string, SerializedValue>;

/** A PHP float, with the text PHP wrote for it when it was read (written back unchanged). */
export class SerializedFloat extends PhpFloat {
  constructor(
    value: number,
    readonly text?: string,
  ) {
    super(value);
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * PHP's unserialize($bytes, ['allowed_classes' => $allowed]), strictly and losslessly (see
 * SerializedValue): an object of another class is an UnexpectedPhpClassError, never an incomplete
 * object; references (r:/R:), Serializable's C: and enums are refused as unsupported; anything
 * malformed or trailing is a CorruptPhpSerializationError. php-serialize (queue/php-object.ts)
 * drops property visibility, which a Messenger envelope needs to be written back.
 */
export function unserializeLossless(bytes: Buffer, allowedClasses: ReadonlySet<string> | readonly string[]): SerializedValue {
  const allowed = allowedClasses instanceof Set ? allowedClasses : new Set(allowedClasses);
  let at = 0;
  const fail = (reason: string): never => {
    throw new CorruptPhpSerializationError(`${reason} at byte ${at}`);
  };
  const expect = (text: string) => {
    for (let i = 0; i < text.length; i += 1) if (bytes[at + i] !== text.charCodeAt(i)) fail(`expected "${text}"`);
    at += text.length;
  };
  const until = (end: string): string => {
    const stop = bytes.indexOf(end, at, 'latin1');
    if (stop < 0) fail(`missing "${end}"`);
    const text = bytes.toString('latin1', at, stop);
    at = stop + 1;
    return text;
  };
  const length = (end: string): number => {
    const text = until(end);
    if (!/^\d{1,9}$/.test(text)) fail(`bad length "${text}"`);
    return Number(text);
  };
  const rawString = (): Buffer => {
    const n = length(':');
    expect('"');
    if (at + n > bytes.length) fail('string runs past the end');
    const value = bytes.subarray(at, at + n);
    at += n;
    expect('"');
    return value;
  };
  const text = (raw: Buffer): string | Buffer => {
    try {
      return UTF8.decode(raw);
    } catch {
      return Buffer.from(raw);
    }
  };
  const key = (): number | string => {
    const type = String.fromCharCode(bytes[at] ?? 0);
    if (type === 'i') {
      at += 1;
      expect(':');
      const n = until(';');
      if (!/^-?\d+$/.test(n)) fail(`bad integer key "${n}"`);
      return Number(n);
    }
    if (type === 's') {
      at += 1;
      expect(':');
      const raw = rawString();
      expect(';');
      const value = text(raw);
      if (typeof value !== 'string') fail('a key is not UTF-8');
      return value as string;
    }
    return fail(`bad array key type "${type}"`);
  };
  const value = (depth: number): SerializedValue => {
    if (depth > 512) fail('nested too deep');
    const type = String.fromCharCode(bytes[at] ?? 0);
    if (type === 'N') {
      expect('N;');
      return null;
    }
    at += 1;
    expect(':');
    switch (type) {
      case 'b': {
        const b = until(';');
        if (b !== '0' && b !== '1') fail(`bad boolean "${b}"`);
        return b === '1';
      }
      case 'i': {
        const n = until(';');
        if (!/^-?\d{1,19}$/.test(n)) fail(`bad integer "${n}"`);
        const big = BigInt(n);
        return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : big;
      }
      case 'd': {
        const d = until(';');
        const v = d === 'INF' ? Infinity : d === '-INF' ? -Infinity : d === 'NAN' ? NaN : Number(d);
        if (!/^(-?INF|NAN|-?\d+(\.\d+)?(E[+-]\d+)?)$/.test(d)) fail(`bad float "${d}"`);
        return new SerializedFloat(v, d);
      }
      case 's': {
        const raw = rawString();
        expect(';');
        return text(raw);
      }
      case 'a': {
        const n = length(':');
        expect('{');
        const entries: Array<[number | string, SerializedValue]> = [];
        for (let i = 0; i < n; i += 1) entries.push([key(), value(depth + 1)]);
        expect('}');
        return entries.every(([k], i) => k === i) ? entries.map(([, v]) => v) : new Map(entries);
      }
      case 'O': {
        const name = rawString().toString('latin1');
        if (!allowed.has(name)) throw new UnexpectedPhpClassError(name);
        expect(':');
        const n = length(':');
        expect('{');
        const properties: Record<string, SerializedValue> = {};
        for (let i = 0; i < n; i += 1) {
          const k = key();
          // A JavaScript object would reorder integer-like names: such objects are not read.
          if (typeof k !== 'string' || /^(0|[1-9]\d*)$/.test(k)) fail(`object ${name} has an integer property name`);
          properties[k as string] = value(depth + 1);
        }
        expect('}');
        return new PhpObject(name, properties);
      }
      case 'C':
      case 'E':
      case 'r':
      case 'R':
        return fail(`"${type}:" (${type === 'C' ? 'Serializable object' : type === 'E' ? 'enum' : 'reference'}) is not supported`);
      default:
        return fail(`unknown type "${type}"`);
    }
  };
  if (bytes.length === 0) fail('empty input');
  const result = value(0);
  if (at !== bytes.length) fail('trailing bytes');
  return result;
}

/** PHP's serialize() of a SerializedValue (plain objects are written as PHP maps). */
export function serializeLossless(value: SerializedValue | Record<string, SerializedValue>): Buffer {
  const parts: Buffer[] = [];
  const put = (text: string) => parts.push(Buffer.from(text, 'utf8'));
  const str = (s: string | Buffer) => {
    const raw = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
    put(`s:${raw.length}:"`);
    parts.push(raw);
    put('";');
  };
  const key = (k: number | string) => (typeof k === 'number' ? put(`i:${k};`) : str(k));
  const write = (v: unknown): void => {
    if (v === null || v === undefined) put('N;');
    else if (typeof v === 'boolean') put(`b:${v ? 1 : 0};`);
    else if (typeof v === 'bigint') put(`i:${v};`);
    else if (typeof v === 'number') {
      if (!Number.isInteger(v)) throw new TypeError(`${v} is not an integer: write floats as SerializedFloat`);
      put(`i:${v};`);
    } else if (v instanceof SerializedFloat || v instanceof PhpFloat) put(`d:${v instanceof SerializedFloat && v.text ? v.text : phpFloatText(v.value)};`);
    else if (typeof v === 'string' || Buffer.isBuffer(v)) str(v);
    else if (Array.isArray(v)) {
      put(`a:${v.length}:{`);
      v.forEach((item, i) => {
        key(i);
        write(item);
      });
      put('}');
    } else if (v instanceof Map) {
      put(`a:${v.size}:{`);
      for (const [k, item] of v) {
        key(k);
        write(item);
      }
      put('}');
    } else if (v instanceof PhpObject) {
      const name = Buffer.from(v.phpClass, 'utf8');
      const entries = Object.entries(v.properties);
      put(`O:${name.length}:"`);
      parts.push(name);
      put(`":${entries.length}:{`);
      for (const [k, item] of entries) {
        str(k);
        write(item);
      }
      put('}');
    } else if (typeof v === 'object') {
      const entries = Object.entries(v);
      put(`a:${entries.length}:{`);
      for (const [k, item] of entries) {
        key(/^(0|-?[1-9]\d*)$/.test(k) ? Number(k) : k);
        write(item);
      }
      put('}');
    } else throw new TypeError(`cannot serialize a ${typeof v}`);
  };
  write(value);
  return Buffer.concat(parts);
}

/** serialize()'s text of a float (serialize_precision -1): shortest round trip, PHP's exponent form from 1e15. */
function phpFloatText(value: number): string {
  if (Number.isNaN(value)) return 'NAN';
  if (!Number.isFinite(value)) return value > 0 ? 'INF' : '-INF';
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const [mantissa, exponent] = value.toExponential().split('e');
  const e = Number(exponent);
  if (e < -4 || e >= 15) return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${e < 0 ? '-' : '+'}${Math.abs(e)}`;
  return String(value);
}

/** A property of an object whatever its visibility: public `name`, protected `\0*\0name`, private `\0<class>\0name`. */
export function propertyOf(object: PhpObject, name: string): SerializedValue | undefined {
  const props = object.properties as Record<string, SerializedValue>;
  if (Object.hasOwn(props, name)) return props[name];
  const protectedName = `\0*\0${name}`;
  if (Object.hasOwn(props, protectedName)) return props[protectedName];
  const privateName = `\0${object.phpClass}\0${name}`;
  return Object.hasOwn(props, privateName) ? props[privateName] : undefined;
}

/** The mangled name of a private property of `phpClass`. */
export function privateName(phpClass: string, name: string): string {
  return `\0${phpClass}\0${name}`;
}
