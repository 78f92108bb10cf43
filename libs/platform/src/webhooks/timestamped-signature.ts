import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The payment provider's webhook signature, as the monolith checks it (App\Shop\PaymentSignature):
 *   Payment-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>[,v1=…]
 * Several v1 entries may be present (secret rotation); one match is enough. The signature is
 * checked before the replay window, so a forged header never learns about the clock.
 */
export type TimestampedSignatureCheck = 'ok' | 'missing' | 'mismatch' | 'expired';

const INT64_MAX = 9223372036854775807n;
/** PHP's trim(): space, tab, newline, carriage return, NUL and vertical tab. */
// eslint-disable-next-line no-control-regex -- PHP's trim() strips NUL and vertical tab too
const PHP_TRIM = /^[ \t\n\r\0\x0B]+|[ \t\n\r\0\x0B]+$/g;

export function signTimestamped(secret: string, body: Buffer | string, timestamp: number): string {
  return `t=${timestamp},v1=${hmacHex(secret, String(timestamp), body)}`;
}

export function verifyTimestamped(
  header: string | undefined,
  body: Buffer | string,
  secret: string,
  toleranceSeconds: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): TimestampedSignatureCheck {
  if (header === undefined || header === '' || secret === '') return 'missing';
  let timestamp: bigint | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const trimmed = part.replace(PHP_TRIM, '');
    const equals = trimmed.indexOf('=');
    const [key, value] = equals < 0 ? [trimmed, ''] : [trimmed.slice(0, equals), trimmed.slice(equals + 1)];
    if (key === 't' && /^[0-9]+$/.test(value)) {
      // (int) in PHP: leading zeros dropped, saturating at PHP_INT_MAX; the signed text uses that.
      const parsed = BigInt(value);
      timestamp = parsed > INT64_MAX ? INT64_MAX : parsed;
    } else if (key === 'v1' && value !== '') {
      signatures.push(value.toLowerCase());
    }
  }
  if (timestamp === undefined || signatures.length === 0) return 'missing';
  const expected = Buffer.from(hmacHex(secret, timestamp.toString(), body));
  // Every candidate is compared (no early exit), each in constant time.
  const matched = signatures.map((signature) => Buffer.from(signature)).reduce((found, candidate) => safeEqual(expected, candidate) || found, false);
  if (!matched) return 'mismatch';
  const drift = BigInt(nowSeconds) - timestamp;
  return (drift < 0n ? -drift : drift) > BigInt(toleranceSeconds) ? 'expired' : 'ok';
}

function hmacHex(secret: string, timestamp: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
