import { TrustedProxies } from './trusted-proxies.js';

describe('TrustedProxies', () => {
  it('matches addresses and CIDRs of both families, IPv4-mapped included', () => {
    const trusted = new TrustedProxies(['10.0.0.0/8', '192.168.1.7', 'fd00::/8']);
    expect(trusted.has('10.1.2.3')).toBe(true);
    expect(trusted.has('::ffff:10.1.2.3')).toBe(true);
    expect(trusted.has('192.168.1.7')).toBe(true);
    expect(trusted.has('192.168.1.8')).toBe(false);
    expect(trusted.has('fd12::1')).toBe(true);
    expect(trusted.has('2001:db8::1')).toBe(false);
    expect(trusted.has(undefined)).toBe(false);
  });

  it('trusts nobody when empty', () => {
    expect(new TrustedProxies([]).has('127.0.0.1')).toBe(false);
  });
});
