import * as php from 'php-serialize';

/**
 * An object of a PHP class, as PHP's serialize() writes it: its class name and its properties in
 * declaration order (`O:<len>:"<class>":<n>:{…}`). Only public properties are modelled: the
 * queued jobs and ModelIdentifier of Laravel 8 have no others.
 */
export class PhpObject {
  constructor(
    readonly phpClass: string,
    readonly properties: Record<string, unknown>,
  ) {}
}

export class UnexpectedPhpClassError extends Error {
  readonly code = 'unexpected_class';
  constructor(readonly phpClass: string) {
    super(`the serialized value holds an object of class ${phpClass}, which is not allowed here`);
    this.name = 'UnexpectedPhpClassError';
  }
}

export class CorruptPhpSerializationError extends Error {
  readonly code = 'corrupt_serialization';
  constructor(reason: string) {
    super(`not a valid PHP serialization: ${reason}`);
    this.name = 'CorruptPhpSerializationError';
  }
}

/** One JavaScript class per PHP class name, so php-serialize can map both ways. */
const classes = new Map<string, new () => object>();
function jsClass(phpClass: string): new () => object {
  let cls = classes.get(phpClass);
  if (!cls) {
    cls = { [phpClass]: class {} }[phpClass];
    classes.set(phpClass, cls);
  }
  return cls;
}

/**
 * PHP's unserialize($value, ['allowed_classes' => $allowed]), strictly: an object of any other
 * class is an UnexpectedPhpClassError (never an incomplete object that code might act on), and
 * broken input is a CorruptPhpSerializationError.
 */
export function phpUnserializeStrict(serialized: string, allowedClasses: readonly string[]): unknown {
  const scope = Object.fromEntries(allowedClasses.map((name) => [name, jsClass(name)]));
  let raw: unknown;
  try {
    raw = php.unserialize(serialized, scope, { strict: false });
  } catch (error) {
    // php-serialize cannot read some objects at all (integer property keys, as ArrayObject's
    // __serialize writes): an object of a class outside the list is still named as such.
    const unexpected = [...serialized.matchAll(/[OC]:\d+:"([^"]+)"/g)].map((m) => m[1]).find((name) => !allowedClasses.includes(name));
    if (unexpected) throw new UnexpectedPhpClassError(unexpected);
    throw new CorruptPhpSerializationError((error as Error).message);
  }
  return fromPhpSerialize(raw, scope);
}

function fromPhpSerialize(value: unknown, scope: Record<string, new () => object>): unknown {
  if (Array.isArray(value)) return value.map((item) => fromPhpSerialize(item, scope));
  if (value === null || typeof value !== 'object') return value;
  const incomplete = (value as { __PHP_Incomplete_Class_Name?: string }).__PHP_Incomplete_Class_Name;
  if (incomplete !== undefined) throw new UnexpectedPhpClassError(incomplete);
  const entries = Object.entries(value).map(([key, item]) => [key, fromPhpSerialize(item, scope)] as const);
  const phpClass = Object.keys(scope).find((name) => value instanceof scope[name]);
  if (phpClass) return new PhpObject(phpClass, Object.fromEntries(entries));
  if (value.constructor !== Object) throw new UnexpectedPhpClassError(value.constructor.name);
  return Object.fromEntries(entries);
}

/** PHP's serialize() of strings, integers, floats, booleans, null, arrays (lists and maps) and PhpObjects. */
export function phpSerialize(value: unknown): string {
  const scope: Record<string, new () => object> = {};
  const toPhp = (item: unknown): unknown => {
    if (item instanceof PhpObject) {
      scope[item.phpClass] = jsClass(item.phpClass);
      return Object.assign(new scope[item.phpClass](), Object.fromEntries(Object.entries(item.properties).map(([key, v]) => [key, toPhp(v)])));
    }
    if (Array.isArray(item)) return item.map(toPhp);
    if (item !== null && typeof item === 'object') return Object.fromEntries(Object.entries(item).map(([key, v]) => [key, toPhp(v)]));
    return item;
  };
  return php.serialize(toPhp(value), scope);
}
