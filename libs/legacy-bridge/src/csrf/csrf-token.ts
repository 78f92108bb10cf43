import { timingSafeEqual } from 'node:crypto';
import type { LaravelEncrypter } from '../encryption/laravel-encrypter.js';

/** The cookie Laravel's VerifyCsrfToken sets for JavaScript clients (encrypted, not HttpOnly). */
export const XSRF_COOKIE = 'XSRF-TOKEN';

/**
 * The token inside an X-XSRF-TOKEN header: the XSRF-TOKEN cookie's value as JavaScript reads it
 * (encrypted, not URL-encoded; axios sends it so), decrypted without unserializing, as
 * VerifyCsrfToken::getTokenFromRequest does. Laravel 8 drops the first 41 characters unseen; here
 * they must be the XSRF-TOKEN cookie's own `v2` prefix, so an encrypted value taken from another
 * cookie is never read as a token. Undefined when nothing verifies.
 */
export function tokenFromXsrfHeader(header: string, encrypter: LaravelEncrypter, prefix: string): string | undefined {
  const decrypted = encrypter.decrypt(header);
  if (decrypted === undefined || decrypted.length < prefix.length) return undefined;
  if (!timingSafeEqual(Buffer.from(decrypted.slice(0, prefix.length)), Buffer.from(prefix))) return undefined;
  return decrypted.slice(prefix.length);
}

/** PHP's `is_string($known) && is_string($given) && hash_equals($known, $given)`, in constant time. */
export function csrfTokensMatch(sessionToken: unknown, given: unknown): boolean {
  if (typeof sessionToken !== 'string' || typeof given !== 'string') return false;
  const known = Buffer.from(sessionToken, 'utf8');
  const candidate = Buffer.from(given, 'utf8');
  return known.length === candidate.length && timingSafeEqual(known, candidate);
}
