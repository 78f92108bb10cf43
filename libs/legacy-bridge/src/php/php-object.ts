/**
 * An object of a PHP class, as PHP's serialize() writes it: its class name and its properties in
 * declaration order (`O:<len>:"<class>":<n>:{…}`). Inert: nothing is ever instantiated from it.
 * Read losslessly (php-serialized.ts) the property names keep PHP's mangling (`\0Class\0name`
 * private, `\0*\0name` protected); the plain views (php-unserialize.ts) drop it.
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
