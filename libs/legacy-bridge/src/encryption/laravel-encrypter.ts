import { createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';

export type LaravelCipher = 'aes-256-cbc' | 'aes-256-gcm';

export class InvalidAppKeyError extends Error {}

/** `base64:…` (as `php artisan key:generate` writes it) or a raw 32-byte string. */
export function parseAppKey(appKey: string): Buffer {
  const key = appKey.startsWith('base64:') ? Buffer.from(appKey.slice(7), 'base64') : Buffer.from(appKey, 'utf8');
  if (key.length !== 32) throw new InvalidAppKeyError(`APP_KEY must be 32 bytes for AES-256 (got ${key.length}); expected "base64:" and 44 characters`);
  return key;
}

interface Payload {
  iv: string;
  value: string;
  mac: string;
  tag?: string;
}

/**
 * Laravel's Illuminate\Encryption\Encrypter, decrypt side: base64(JSON {iv, value, mac, tag}).
 * CBC: the MAC (HMAC-SHA256 of iv.value) is checked in constant time before anything is decrypted.
 * GCM: the authentication tag does that job. Any doubt gives undefined, never an exception.
 */
export class LaravelEncrypter {
  private readonly cipher: LaravelCipher;

  constructor(
    private readonly key: Buffer,
    cipher = 'aes-256-cbc',
  ) {
    const normalized = cipher.toLowerCase();
    if (normalized !== 'aes-256-cbc' && normalized !== 'aes-256-gcm') throw new InvalidAppKeyError(`unsupported cipher ${cipher}`);
    if (key.length !== 32) throw new InvalidAppKeyError('AES-256 needs a 32-byte key');
    this.cipher = normalized;
  }

  /** The decrypted string (still PHP-serialized when Laravel serialized it), or undefined. */
  decrypt(encrypted: string): string | undefined {
    const payload = parsePayload(encrypted);
    if (!payload) return undefined;
    const iv = Buffer.from(payload.iv, 'base64');
    try {
      if (this.cipher === 'aes-256-cbc') {
        if (iv.length !== 16 || !this.validMac(payload)) return undefined;
        const decipher = createDecipheriv('aes-256-cbc', this.key, iv);
        return Buffer.concat([decipher.update(Buffer.from(payload.value, 'base64')), decipher.final()]).toString('utf8');
      }
      const tag = payload.tag ? Buffer.from(payload.tag, 'base64') : undefined;
      if (iv.length !== 12 || !tag || tag.length !== 16) return undefined;
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: 16 });
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(payload.value, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      return undefined; // bad padding or a failed tag: tampered or another key
    }
  }

  private validMac(payload: Payload): boolean {
    const expected = createHmac('sha256', this.key)
      .update(payload.iv + payload.value)
      .digest();
    const given = Buffer.from(payload.mac, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

function parsePayload(encrypted: string): Payload | undefined {
  try {
    const payload = JSON.parse(Buffer.from(encrypted, 'base64').toString('utf8')) as Partial<Payload>;
    if (typeof payload !== 'object' || payload === null) return undefined;
    if (typeof payload.iv !== 'string' || typeof payload.value !== 'string' || typeof payload.mac !== 'string') return undefined;
    if (payload.tag !== undefined && typeof payload.tag !== 'string') return undefined;
    return payload as Payload;
  } catch {
    return undefined;
  }
}
