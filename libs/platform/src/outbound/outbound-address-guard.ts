import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** A URL or address that outbound calls may not reach (SSRF): private, loopback, link-local, … */
export class BlockedAddressError extends Error {
  readonly code = 'blocked_address';
  constructor(
    readonly address: string,
    host: string,
  ) {
    super(`${host} resolves to ${address}, a private or loopback address outbound calls may not reach`);
    this.name = 'BlockedAddressError';
  }
}

/** Ranges no partner endpoint lives in: RFC 1918, loopback, link-local (cloud metadata), CGNAT, ULA, "this network", multicast. */
const BLOCKED_V4: Array<[string, number]> = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];
const BLOCKED_V6: Array<[string, number]> = [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
];

function blockList(ranges: ReadonlyArray<readonly [string, number, 'ipv4' | 'ipv6']>): BlockList {
  const list = new BlockList();
  for (const [network, prefix, family] of ranges) list.addSubnet(network, prefix, family);
  return list;
}

/** Parses `10.0.0.0/8, ::1/128, 127.0.0.1` (a bare address is one host). */
export function parseCidrs(items: readonly string[]): Array<[string, number, 'ipv4' | 'ipv6']> {
  return items.map((item) => {
    const [network, prefixText] = item.split('/');
    const family = isIP(network);
    if (family === 0) throw new Error(`${item}: not an IP address or CIDR range`);
    const max = family === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) throw new Error(`${item}: prefix must be 0-${max}`);
    return [network, prefix, family === 4 ? 'ipv4' : 'ipv6'];
  });
}

/**
 * The SSRF guard of every outbound call to an address someone else chose (partner webhooks):
 * private, loopback and link-local addresses are refused unless the allowlist names them. The
 * check runs on the resolved address at connect time (`lookup`), so a name that resolves
 * differently later (DNS rebinding) is caught too; `check` is the same rule at registration.
 */
export class OutboundAddressGuard {
  private readonly blocked = blockList([...BLOCKED_V4.map(([n, p]) => [n, p, 'ipv4'] as const), ...BLOCKED_V6.map(([n, p]) => [n, p, 'ipv6'] as const)]);
  private readonly allowed: BlockList;

  constructor(allowlist: readonly string[] = []) {
    this.allowed = blockList(parseCidrs(allowlist));
  }

  isAllowed(address: string): boolean {
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    // An IPv4-mapped IPv6 address is judged as the IPv4 address it is.
    const mapped = family === 'ipv6' && /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    if (mapped) return this.isAllowed(mapped);
    return this.allowed.check(address, family) || !this.blocked.check(address, family);
  }

  /** Resolves a URL's host and throws BlockedAddressError when any of its addresses is refused. */
  async check(url: URL): Promise<void> {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const addresses = isIP(host)
      ? [host]
      : (
          await new Promise<LookupAddress[]>((resolve, reject) => dnsLookup(host, { all: true }, (error, found) => (error ? reject(error) : resolve(found))))
        ).map((a) => a.address);
    for (const address of addresses) if (!this.isAllowed(address)) throw new BlockedAddressError(address, host);
  }

  /** For undici's `connect.lookup`: resolves as usual, then refuses a blocked address before connecting. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, found: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = found.find((entry) => !this.isAllowed(entry.address));
      if (refused) return callback(new BlockedAddressError(refused.address, hostname), '', 0);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, found);
      callback(null, found[0].address, found[0].family);
    });
  };
}
