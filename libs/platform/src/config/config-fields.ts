import { z } from 'zod';

/**
 * The field types every service's configuration is made of, so that `true`, `1` or a list mean
 * the same in every service. Each takes its description with `.describe()` where it is used.
 */

/** `true`/`1` or `false`/`0`. */
export function booleanField(fallback: boolean) {
  return z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1');
}

/** A whole number within bounds (a string in the environment). */
export function integerField(min: number, max: number) {
  return z.coerce.number().int().min(min).max(max);
}

/** Comma-separated items, trimmed, empty ones dropped; `fallback` (none by default) when unset. */
export function listField(fallback = '') {
  return z
    .string()
    .default(fallback)
    .transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    );
}
