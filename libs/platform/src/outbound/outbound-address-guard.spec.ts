import { BlockedAddressError, OutboundAddressGuard, parseCidrs } from './outbound-address-guard.js';

describe('OutboundAddressGuard (SSRF)', () => {
  it('refuses private, loopback, link-local and mapped addresses, allows public ones', () => {
    const guard = new OutboundAddressGuard();
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.9',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
    ]) {
      expect([address, guard.isAllowed(address)]).toEqual([address, false]);
    }
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '172.32.0.1']) expect([address, guard.isAllowed(address)]).toEqual([address, true]);
  });

  it('lets the allowlist open a range, and only that range', () => {
    const guard = new OutboundAddressGuard(['127.0.0.0/8', '::1']);
    expect(guard.isAllowed('127.0.0.1')).toBe(true);
    expect(guard.isAllowed('::1')).toBe(true);
    expect(guard.isAllowed('10.0.0.1')).toBe(false);
  });

  it('checks a URL by the addresses its host resolves to', async () => {
    const guard = new OutboundAddressGuard();
    await expect(guard.check(new URL('http://localhost:9/x'))).rejects.toBeInstanceOf(BlockedAddressError);
    await expect(guard.check(new URL('http://[::1]:9/x'))).rejects.toMatchObject({ code: 'blocked_address', address: '::1' });
    await expect(new OutboundAddressGuard(['127.0.0.0/8', '::1']).check(new URL('http://127.0.0.1:9/x'))).resolves.toBeUndefined();
  });

  it('refuses an allowlist entry that is not a range', () => {
    expect(() => parseCidrs(['10.0.0.0/33'])).toThrow('prefix must be 0-32');
    expect(() => parseCidrs(['example.com'])).toThrow('not an IP address');
  });
});
