import { PhpFloat } from '../http/php-json-decode.js';
import { CorruptPhpSerializationError, PhpObject, UnexpectedPhpClassError } from './php-object.js';

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

export interface UnserializeOptions {
  /** 'any': objects of every class are read as inert PhpObjects; a list: an object of another class is an UnexpectedPhpClassError before its contents are read. */
  allowedClasses: ReadonlySet<string> | readonly string[] | 'any';
  /** Nesting deeper than this is refused (PHP's own max_depth is 4096). Default 64. */
  maxDepth?: number;
  /**
   * 'resolve': `r:<n>;` and `R:<n>;` are the value they name, shared (a Laravel session holding one
   * object under two keys writes it once, then `r:`). 'refuse' (the default): corrupt, for readers
   * that must write the value back or never meet references. Either way a reference to a value
   * that contains it (a cycle) is corrupt: nothing read here can loop.
   */
  references?: 'resolve' | 'refuse';
  /**
   * Objects with integer property names (what __serialize() arrays and Symfony's tokens write) are
   * read with those names as strings. Off by default: a JavaScript object puts integer-like names
   * first, so such an object could not be written back as it was read.
   */
  integerPropertyNames?: boolean;
}

/**
 * PHP's unserialize() of one value starting at `offset`, returning where it ended (PHP's session
 * format `name|value…` needs the end of each value), strictly (see UnserializeOptions) and
 * losslessly (see SerializedValue). The one reader of PHP's format: the plain views of
 * php-unserialize.ts (sessions, tokens, queued jobs) and the Messenger codec read through it.
 * Serializable's C: and enums are refused (their class named first, so an unexpected one is
 * reported as such); anything malformed is a CorruptPhpSerializationError.
 */
export function unserializeAt(bytes: Buffer, offset: number, options: UnserializeOptions): { value: SerializedValue; end: number } {
  const reader = new Reader(bytes, offset, options);
  const value = reader.value(0);
  return { value, end: reader.at };
}

/**
 * One whole value, nothing after it: with a class list, PHP's unserialize($bytes,
 * ['allowed_classes' => $allowed]) as the Messenger codec reads an envelope (nesting to 512, no
 * references, integer property names refused); with options, as they say.
 */
export function unserializeLossless(bytes: Buffer, allowed: ReadonlySet<string> | readonly string[] | UnserializeOptions): SerializedValue {
  const options: UnserializeOptions =
    allowed instanceof Set || Array.isArray(allowed) ? { allowedClasses: allowed, maxDepth: 512 } : (allowed as UnserializeOptions);
  const { value, end } = unserializeAt(bytes, 0, options);
  if (end !== bytes.length) throw new CorruptPhpSerializationError(`${bytes.length - end} trailing bytes after the value`);
  return value;
}

/**
 * PHP's own session encoding (`session.serialize_handler = php`): `name|<serialize(value)>` one
 * after the other, read as session_decode() does, with one numbering of values for references
 * across all of them. A name cannot hold `|` (PHP refuses to write such a session), so it ends at
 * the first one; the value ends where its serialization does.
 */
export function unserializeSessionData(bytes: Buffer, options: UnserializeOptions): Array<[string, SerializedValue]> {
  const reader = new Reader(bytes, 0, options);
  const variables: Array<[string, SerializedValue]> = [];
  // Bounded by the input: every variable consumes bytes or throws.
  while (reader.at < bytes.length) {
    const bar = bytes.indexOf(0x7c, reader.at);
    if (bar === -1) throw new CorruptPhpSerializationError(`a session variable without a value at byte ${reader.at}`);
    const name = bytes.toString('utf8', reader.at, bar);
    reader.at = bar + 1;
    variables.push([name, reader.value(0)]);
  }
  return variables;
}

const CLASS_NAME = /^[A-Za-z_\x80-\uffff][A-Za-z0-9_\x80-\uffff]*(?:\\[A-Za-z_\x80-\uffff][A-Za-z0-9_\x80-\uffff]*)*$/;
const INTEGER = /^[+-]?\d+$/;
const FLOAT = /^(?:-?INF|NAN|[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)$/;
const INTEGER_NAME = /^(?:0|[1-9]\d*)$/;
// ignoreBOM: a string that starts with U+FEFF keeps it (written back byte for byte).
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

class Reader {
  private readonly allowed: ReadonlySet<string> | 'any';
  private readonly maxDepth: number;
  private readonly integerNames: boolean;
  /** PHP's var_hash, when references are resolved: every value but R: is numbered from 1 as it starts; undefined until it is complete. */
  private readonly slots: Array<SerializedValue | undefined> | undefined;

  constructor(
    private readonly data: Buffer,
    public at: number,
    options: UnserializeOptions,
  ) {
    const { allowedClasses } = options;
    this.allowed = allowedClasses === 'any' || allowedClasses instanceof Set ? allowedClasses : new Set(allowedClasses);
    this.maxDepth = options.maxDepth ?? 64;
    this.integerNames = options.integerPropertyNames ?? false;
    this.slots = options.references === 'resolve' ? [] : undefined;
  }

  value(depth: number): SerializedValue {
    if (depth > this.maxDepth) throw this.corrupt('nested too deeply');
    const type = this.byte();
    if (type === 'R') return this.reference();
    const slot = this.slots?.push(undefined);
    const value = type === 'r' ? this.reference() : this.read(type, depth);
    if (this.slots && slot !== undefined) this.slots[slot - 1] = value;
    return value;
  }

  private read(type: string, depth: number): SerializedValue {
    if (type === 'N') {
      this.expect(';');
      return null;
    }
    this.expect(':');
    switch (type) {
      case 'b': {
        const flag = this.until(';');
        if (flag !== '0' && flag !== '1') throw this.corrupt(`boolean ${JSON.stringify(flag)}`);
        return flag === '1';
      }
      case 'i':
        return this.integer();
      case 'd': {
        const text = this.until(';');
        if (!FLOAT.test(text)) throw this.corrupt(`float ${JSON.stringify(text)}`);
        return new SerializedFloat(text === 'INF' ? Infinity : text === '-INF' ? -Infinity : text === 'NAN' ? NaN : Number(text), text);
      }
      case 's':
        return utf8OrBytes(this.string(';'));
      case 'a': {
        const entries = this.entries(depth);
        return entries.every(([key], index) => key === index) ? entries.map(([, item]) => item) : new Map(entries);
      }
      case 'O': {
        const phpClass = this.className(':');
        const entries = this.entries(depth);
        if (!this.integerNames && entries.some(([key]) => typeof key === 'number' || INTEGER_NAME.test(key)))
          throw this.corrupt(`object ${phpClass} has an integer property name`);
        // fromEntries, not assignment: a property named __proto__ stays a property.
        return new PhpObject(phpClass, Object.fromEntries(entries.map(([key, item]) => [String(key), item])));
      }
      case 'C':
        this.className(':');
        throw this.corrupt('Serializable (C:) objects are not read');
      case 'E': {
        const name = this.string(';').toString('utf8');
        this.check(name.split(':')[0] ?? '');
        throw this.corrupt('enums are not read');
      }
      default:
        throw this.corrupt(`unknown type ${JSON.stringify(type)}`);
    }
  }

  /** `r:<n>;` / `R:<n>;` (the type and its colon not yet read past the type). */
  private reference(): SerializedValue {
    if (!this.slots) throw this.corrupt('references are not read');
    this.expect(':');
    const index = this.count(';');
    if (index < 1 || index > this.slots.length) throw this.corrupt(`reference ${index} to no value`);
    const target = this.slots[index - 1];
    if (target === undefined) throw this.corrupt('a reference to a value that contains it');
    return target;
  }

  private integer(): number | bigint {
    const digits = this.until(';');
    if (!INTEGER.test(digits)) throw this.corrupt(`integer ${JSON.stringify(digits)}`);
    const number = Number(digits);
    if (number === 0) return 0; // not -0
    return Number.isSafeInteger(number) ? number : BigInt(digits);
  }

  /** A class name and what follows it; an object of a class not allowed is refused before anything of it is read. */
  private className(terminator: string): string {
    const phpClass = this.string(terminator).toString('utf8');
    this.check(phpClass);
    return phpClass;
  }

  private check(phpClass: string): void {
    if (!CLASS_NAME.test(phpClass)) throw this.corrupt(`class name ${JSON.stringify(phpClass)}`);
    if (this.allowed !== 'any' && !this.allowed.has(phpClass)) throw new UnexpectedPhpClassError(phpClass);
  }

  /** `<count>:{<key><value>…}`, keys integers or UTF-8 strings. */
  private entries(depth: number): Array<[number | string, SerializedValue]> {
    const count = this.count(':');
    this.expect('{');
    const entries: Array<[number | string, SerializedValue]> = [];
    // Bounded by the input: every entry consumes bytes or throws.
    for (let index = 0; index < count; index += 1) entries.push([this.key(), this.value(depth + 1)]);
    this.expect('}');
    return entries;
  }

  /** Keys are not numbered for references (PHP reads them without its var_hash). */
  private key(): number | string {
    const type = this.byte();
    this.expect(':');
    if (type === 'i') {
      const key = this.integer();
      if (typeof key !== 'number') throw this.corrupt(`integer key ${key} beyond 2^53`);
      return key;
    }
    if (type === 's') {
      const key = utf8OrBytes(this.string(';'));
      if (typeof key !== 'string') throw this.corrupt('a key is not UTF-8');
      return key;
    }
    throw this.corrupt(`array key of type ${JSON.stringify(type)}`);
  }

  /** `<length>:"<bytes>"` then the terminator (`;` after a string value, `:` after a class name). */
  private string(terminator: string): Buffer {
    const length = this.count(':');
    this.expect('"');
    if (this.at + length > this.data.length) throw this.corrupt('string runs past the end');
    const bytes = this.data.subarray(this.at, this.at + length);
    this.at += length;
    this.expect('"');
    this.expect(terminator);
    return bytes;
  }

  private count(terminator: string): number {
    const digits = this.until(terminator);
    if (!/^\d{1,9}$/.test(digits)) throw this.corrupt(`length ${JSON.stringify(digits)}`);
    return Number(digits);
  }

  /** Up to 64 bytes, then the terminator (looked for only that far, so broken input is not scanned to its end). */
  private until(terminator: string): string {
    const window = this.data.subarray(this.at, this.at + 65);
    const end = window.indexOf(terminator.charCodeAt(0));
    if (end === -1) throw this.corrupt(`expected ${JSON.stringify(terminator)}`);
    this.at += end + 1;
    return window.toString('latin1', 0, end);
  }

  private byte(): string {
    if (this.at >= this.data.length) throw this.corrupt('unexpected end');
    return String.fromCharCode(this.data[this.at++] ?? 0);
  }

  private expect(char: string): void {
    if (this.byte() !== char) throw this.corrupt(`expected ${JSON.stringify(char)}`);
  }

  private corrupt(reason: string): CorruptPhpSerializationError {
    return new CorruptPhpSerializationError(`${reason} at byte ${this.at}`);
  }
}

function utf8OrBytes(raw: Buffer): string | Buffer {
  try {
    return UTF8.decode(raw);
  } catch {
    return Buffer.from(raw);
  }
}

/** PHP's serialize() of a SerializedValue (plain objects are written as PHP maps). */
export function serializeLossless(value: SerializedValue | Record<string, SerializedValue>): Buffer {
  return serialize(value, false);
}

/**
 * PHP's serialize() of plain values: strings, numbers (a non-integer one is a float), booleans,
 * null, arrays (lists and maps) and PhpObjects; what the Laravel job codec writes.
 */
export function phpSerialize(value: unknown): string {
  return serialize(value, true).toString('utf8');
}

function serialize(value: unknown, numbersAsFloats: boolean): Buffer {
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
      if (!Number.isInteger(v) && numbersAsFloats) put(`d:${phpFloatText(v)};`);
      else if (!Number.isInteger(v)) throw new TypeError(`${v} is not an integer: write floats as SerializedFloat`);
      else put(`i:${v};`);
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
