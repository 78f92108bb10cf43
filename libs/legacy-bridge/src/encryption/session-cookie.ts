import { createHmac, timingSafeEqual } from 'node:crypto';
import type { LaravelEncrypter } from './laravel-encrypter.js';

/** Laravel ≥ 8.x prefixes encrypted cookie values with `hash_hmac('sha1', name.'v2', key).'|'`. */
export function cookieValuePrefix(cookieName: string, key: Buffer): string {
  return `${createHmac('sha1', key).update(`${cookieName}v2`).digest('hex')}|`;
}

const SESSION_ID = /^[A-Za-z0-9]{40}$/;

/**
 * The session id inside the monolith's session cookie: URL-decoded, decrypted (MAC checked), the
 * `v2` prefix checked against this cookie's name (a value moved from another cookie fails), and
 * shaped like a Laravel session id. Anything else gives undefined.
 */
export function sessionIdFromCookie(
  cookieValue: string,
  cookieName: string,
  encrypter: LaravelEncrypter,
  key: Buffer,
  prefix: string = cookieValuePrefix(cookieName, key),
): string | undefined {
  let encrypted: string;
  try {
    encrypted = decodeURIComponent(cookieValue);
  } catch {
    return undefined;
  }
  const decrypted = encrypter.decrypt(encrypted);
  if (decrypted === undefined) return undefined;
  if (decrypted.length <= prefix.length) return undefined;
  const given = Buffer.from(decrypted.slice(0, prefix.length));
  if (!timingSafeEqual(given, Buffer.from(prefix))) return undefined;
  const id = decrypted.slice(prefix.length);
  return SESSION_ID.test(id) ? id : undefined;
}

/** One cookie's value from a Cookie header, without parsing the others. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  let start = 0;
  while (start < header.length) {
    const end = header.indexOf(';', start);
    const part = header.slice(start, end === -1 ? undefined : end).trim();
    const equals = part.indexOf('=');
    if (equals > 0 && part.slice(0, equals) === name) return part.slice(equals + 1);
    if (end === -1) break;
    start = end + 1;
  }
  return undefined;
}
