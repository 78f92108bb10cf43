import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';

/**
 * Laravel's `$request->url()` (scheme, host, port, path; no query, no trailing slash), with the
 * monolith's TrustProxies rules: X-Forwarded-Host/-Proto/-Port count only when the peer is a
 * trusted proxy (TRUSTED_PROXIES: comma list, `*`, default loopback), as Symfony reads them.
 * Checked against Request::url() after the monolith's TrustProxies (request-url.php.spec.ts).
 * Known difference: entries are exact addresses here, while Symfony also takes CIDR ranges
 * (`10.0.0.0/8`), which this class would not trust.
 */
export class LaravelRequestUrl {
  private readonly trustAll: boolean;
  private readonly trusted: Set<string>;

  constructor(trustedProxies = process.env.TRUSTED_PROXIES ?? '127.0.0.1,::1') {
    this.trustAll = trustedProxies.trim() === '*';
    this.trusted = new Set(
      trustedProxies
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    );
  }

  /** `$request->url()` */
  url(request: FastifyRequest): string {
    const path = request.url.split('?')[0].replace(/\/+$/, '');
    return this.schemeAndHttpHost(request) + path;
  }

  schemeAndHttpHost(request: FastifyRequest): string {
    const headers = request.headers;
    const proxied = this.fromTrustedProxy(request.raw.socket.remoteAddress);
    const forwarded = (name: string) => {
      const value = headers[name];
      const first = (Array.isArray(value) ? value.join(',') : value)?.split(',')[0]?.trim();
      return proxied && first ? first : undefined;
    };
    const proto = forwarded('x-forwarded-proto');
    const scheme = proto ? (['https', 'on', 'ssl', '1'].includes(proto.toLowerCase()) ? 'https' : 'http') : 'http';
    const hostHeader = forwarded('x-forwarded-host') ?? (typeof headers.host === 'string' ? headers.host : '');
    const host = hostHeader.trim().replace(/:\d+$/, '').toLowerCase();
    const forwardedPort = forwarded('x-forwarded-port');
    const portSource = forwardedPort !== undefined ? `0.0.0.0:${forwardedPort}` : hostHeader;
    const portMatch = /:(\d+)$/.exec(portSource.startsWith('[') ? portSource.slice(portSource.lastIndexOf(']')) : portSource);
    const port = portMatch && portMatch[1] !== '' && Number(portMatch[1]) !== 0 ? Number(portMatch[1]) : scheme === 'https' ? 443 : 80;
    const standard = (scheme === 'http' && port === 80) || (scheme === 'https' && port === 443);
    return `${scheme}://${host}${standard ? '' : `:${port}`}`;
  }

  private fromTrustedProxy(remote: string | undefined): boolean {
    if (!remote) return false;
    if (this.trustAll) return true;
    const address = remote.startsWith('::ffff:') && isIP(remote.slice(7)) === 4 ? remote.slice(7) : remote;
    return this.trusted.has(address);
  }
}
