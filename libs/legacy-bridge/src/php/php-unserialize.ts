import * as php from 'php-serialize';

/**
 * PHP's unserialize() for session payloads. Objects of classes we do not know (a flashed
 * ViewErrorBag, a model) become plain objects instead of failing the whole session.
 */
export function phpUnserialize(serialized: string): unknown {
  return php.unserialize(serialized, {}, { strict: false });
}
