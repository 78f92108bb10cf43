import { CorruptPhpSerializationError, PhpObject, UnexpectedPhpClassError } from '../queue/php-object.js';

/**
 * PHP's unserialize() of one value starting at `offset`, returning where it ended, with
 * `allowed_classes` as a strict list: an object of another class is an UnexpectedPhpClassError
 * before any of its contents are read. Objects become PhpObjects (never instances of anything);
 * private and protected property names lose PHP's "\0Class\0" / "\0*\0" mangling; integer keys
 * (what __serialize() arrays and tokens' nested arrays have) stay as they are.
 *
 * php-serialize (behind phpUnserialize) reads whole payloads only and fails on integer property
 * keys, which every Symfony security token has: session data (`name|value…`) needs the end of each
 * value, and tokens need those keys. References (r:, R:), Serializable's C: and enums are refused
 * as corrupt: Symfony's session bags and 5.4 tokens never hold them, and a reader that cannot
 * resolve them must not guess.
 */
export interface BoundedUnserializeOptions {
  /** 'any': objects of every class become inert PhpObjects (a session's own bags); a list: only those classes. */
  allowedClasses: readonly string[] | 'any';
  /** Nesting deeper than this is refused (PHP's own default max_depth is 4096; sessions are shallow). */
  maxDepth?: number;
}

const CLASS_NAME = /^[A-Za-z_\x80-\uffff][A-Za-z0-9_\x80-\uffff]*(?:\\[A-Za-z_\x80-\uffff][A-Za-z0-9_\x80-\uffff]*)*$/;

export function phpUnserializeAt(data: Buffer, offset: number, options: BoundedUnserializeOptions): { value: unknown; end: number } {
  const reader = new Reader(data, offset, options.allowedClasses === 'any' ? 'any' : new Set(options.allowedClasses), options.maxDepth ?? 64);
  const value = reader.value(0);
  return { value, end: reader.at };
}

/** One whole serialized value: nothing may follow it. */
export function phpUnserializeBounded(serialized: string | Buffer, options: BoundedUnserializeOptions): unknown {
  const data = typeof serialized === 'string' ? Buffer.from(serialized, 'utf8') : serialized;
  const { value, end } = phpUnserializeAt(data, 0, options);
  if (end !== data.length) throw new CorruptPhpSerializationError(`${data.length - end} bytes after the value`);
  return value;
}

class Reader {
  constructor(
    private readonly data: Buffer,
    public at: number,
    private readonly allowed: ReadonlySet<string> | 'any',
    private readonly maxDepth: number,
  ) {}

  value(depth: number): unknown {
    if (depth > this.maxDepth) throw this.corrupt('nested too deeply');
    const type = this.byte();
    if (type === 'N') {
      this.expect(';');
      return null;
    }
    this.expect(':');
    switch (type) {
      case 'b': {
        const flag = this.until(';');
        if (flag !== '0' && flag !== '1') throw this.corrupt(`boolean ${flag}`);
        return flag === '1';
      }
      case 'i': {
        const digits = this.until(';');
        if (!/^[+-]?\d+$/.test(digits)) throw this.corrupt(`integer ${digits}`);
        const number = Number(digits);
        return Number.isSafeInteger(number) ? number : BigInt(digits);
      }
      case 'd': {
        const text = this.until(';');
        if (text === 'INF') return Infinity;
        if (text === '-INF') return -Infinity;
        if (text === 'NAN') return NaN;
        if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) throw this.corrupt(`float ${text}`);
        return Number(text);
      }
      case 's':
        return this.string(';');
      case 'a': {
        const entries = this.entries(depth);
        return entries.every(([key], index) => key === index)
          ? entries.map(([, item]) => item)
          : Object.fromEntries(entries.map(([key, item]) => [String(key), item]));
      }
      case 'O': {
        const phpClass = this.string(':');
        if (!CLASS_NAME.test(phpClass)) throw this.corrupt(`class name ${JSON.stringify(phpClass)}`);
        if (!this.allows(phpClass)) throw new UnexpectedPhpClassError(phpClass);
        const properties: Record<string, unknown> = {};
        for (const [key, item] of this.entries(depth)) properties[typeof key === 'number' ? String(key) : unmangle(key)] = item;
        return new PhpObject(phpClass, properties);
      }
      case 'C':
      case 'E': {
        // The class is named first: an unexpected one is reported as such, not as a format problem.
        const name = this.string(':');
        const phpClass = type === 'E' ? (name.split(':')[0] ?? '') : name;
        if (!this.allows(phpClass)) throw new UnexpectedPhpClassError(phpClass);
        throw this.corrupt(type === 'C' ? 'Serializable (C:) objects are not read' : 'enums are not read');
      }
      case 'r':
      case 'R':
        throw this.corrupt('references are not read');
      default:
        throw this.corrupt(`unknown type ${JSON.stringify(type)}`);
    }
  }

  private allows(phpClass: string): boolean {
    return this.allowed === 'any' || this.allowed.has(phpClass);
  }

  /** `<count>:{<key><value>…}` with integer or string keys. */
  private entries(depth: number): Array<[number | string, unknown]> {
    const count = this.count(':');
    this.expect('{');
    const entries: Array<[number | string, unknown]> = [];
    // Bounded by the input: every entry consumes bytes or throws.
    for (let index = 0; index < count; index += 1) {
      const key = this.value(depth + 1);
      if (typeof key !== 'number' && typeof key !== 'string') throw this.corrupt('array key is neither integer nor string');
      entries.push([key, this.value(depth + 1)]);
    }
    this.expect('}');
    return entries;
  }

  /** `<length>:"<bytes>"` then the terminator (`;` after a string value, `:` after a class name). */
  private string(terminator: string): string {
    const length = this.count(':');
    this.expect('"');
    if (this.at + length > this.data.length) throw this.corrupt('string runs past the end');
    const text = this.data.toString('utf8', this.at, this.at + length);
    this.at += length;
    this.expect('"');
    this.expect(terminator);
    return text;
  }

  private count(terminator: string): number {
    const digits = this.until(terminator);
    if (!/^\d{1,9}$/.test(digits)) throw this.corrupt(`length ${JSON.stringify(digits)}`);
    return Number(digits);
  }

  private until(terminator: string): string {
    const end = this.data.indexOf(terminator, this.at, 'latin1');
    if (end === -1 || end - this.at > 64) throw this.corrupt(`expected ${JSON.stringify(terminator)}`);
    const text = this.data.toString('latin1', this.at, end);
    this.at = end + 1;
    return text;
  }

  private byte(): string {
    if (this.at >= this.data.length) throw this.corrupt('unexpected end');
    return String.fromCharCode(this.data[this.at++] ?? 0);
  }

  private expect(char: string): void {
    if (this.byte() !== char) throw this.corrupt(`expected ${JSON.stringify(char)} at byte ${this.at - 1}`);
  }

  private corrupt(reason: string): CorruptPhpSerializationError {
    return new CorruptPhpSerializationError(reason);
  }
}

/** `\0App\User\0id` and `\0*\0id` are the private and protected property `id`. */
function unmangle(key: string): string {
  if (!key.startsWith('\0')) return key;
  const end = key.indexOf('\0', 1);
  return end === -1 ? key : key.slice(end + 1);
}
