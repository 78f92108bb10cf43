import { signTimestamped, verifyTimestamped } from './timestamped-signature.js';

describe('timestamped webhook signature (the payment provider scheme)', () => {
  const secret = 'whsec_test';
  const body = Buffer.from('{"id":"evt_1"}');
  const now = 1_800_000_000;

  it('accepts its own signature within the window, and any one of several v1 entries', () => {
    const header = signTimestamped(secret, body, now);
    expect(verifyTimestamped(header, body, secret, 300, now + 300)).toBe('ok');
    const rotated = `t=${now},v1=${'0'.repeat(64)}, v1=${header.split('v1=')[1].toUpperCase()}`;
    expect(verifyTimestamped(rotated, body, secret, 300, now)).toBe('ok');
  });

  it('tells a missing or malformed header from a mismatch, and checks the window last', () => {
    expect(verifyTimestamped(undefined, body, secret, 300, now)).toBe('missing');
    expect(verifyTimestamped('v1=abc', body, secret, 300, now)).toBe('missing');
    expect(verifyTimestamped('t=12x,v1=abc', body, secret, 300, now)).toBe('missing');
    expect(verifyTimestamped(signTimestamped(secret, body, now), body, '', 300, now)).toBe('missing');
    expect(verifyTimestamped(signTimestamped('other', body, now), body, secret, 300, now)).toBe('mismatch');
    expect(verifyTimestamped(signTimestamped(secret, body, now), Buffer.from('{"id":"evt_2"}'), secret, 300, now)).toBe('mismatch');
    expect(verifyTimestamped(signTimestamped('other', body, now - 10_000), body, secret, 300, now)).toBe('mismatch');
    expect(verifyTimestamped(signTimestamped(secret, body, now - 301), body, secret, 300, now)).toBe('expired');
    expect(verifyTimestamped(signTimestamped(secret, body, now + 301), body, secret, 300, now)).toBe('expired');
  });

  it('signs the timestamp as PHP reads it: leading zeros dropped', () => {
    const header = signTimestamped(secret, body, now).replace(`t=${now}`, `t=00${now}`);
    expect(verifyTimestamped(header, body, secret, 300, now)).toBe('ok');
  });
});
