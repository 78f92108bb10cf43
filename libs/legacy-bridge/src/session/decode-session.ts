import { phpUnserialize } from '../php/php-unserialize.js';

/** A session payload as Laravel's Store::readFromHandler leaves it: serialize($attributes). */
export function decodeSessionPayload(serialized: string): Record<string, unknown> | undefined {
  try {
    const attributes = phpUnserialize(serialized);
    return attributes && typeof attributes === 'object' && !Array.isArray(attributes) ? (attributes as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
