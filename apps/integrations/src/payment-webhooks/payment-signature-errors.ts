import type { TimestampedSignatureCheck } from '@offramp/platform';

/** The monolith's 400 bodies for a webhook whose signature fails, in its key order. */
export function signatureError(check: Exclude<TimestampedSignatureCheck, 'ok'>): { error: string; message: string } {
  if (check === 'expired') return { error: 'timestamp_expired', message: 'The signature timestamp is outside the replay window.' };
  return {
    error: 'invalid_signature',
    message: check === 'missing' ? 'Missing or malformed Payment-Signature header.' : 'The signature does not match the payload.',
  };
}
