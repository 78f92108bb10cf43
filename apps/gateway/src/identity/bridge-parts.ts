import { WhoamiClient } from '@offramp/legacy-bridge';
import type { IdentityGrant, IdentityTokenSigner, OfframpIdentity } from '@offramp/platform';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { Upstream } from '../proxy/upstream.js';

/** The monolith's whoami endpoint (LEGACY_WHOAMI_PATH), asked with the caller's cookie; the same contract for Laravel and Symfony. */
export function monolithWhoami(config: GatewayConfig, legacy: Upstream): WhoamiClient {
  return new WhoamiClient(async (cookie) => {
    const response = await legacy.pool.request({
      method: 'GET',
      path: config.LEGACY_WHOAMI_PATH,
      headers: { cookie, accept: 'application/json', 'x-offramp-whoami': '1' },
      headersTimeout: 5_000,
      bodyTimeout: 5_000,
    });
    const text = await response.body.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.statusCode, body };
  }, config.WHOAMI_CACHE_MS);
}

/**
 * A signed token per identity, slice and CSRF outcome, reused for half its lifetime: signing is
 * not on every request, and a token never reaches a slice it was not signed for.
 */
export class TokenCache {
  private readonly cache = new Map<string, { token: string; until: number }>();

  constructor(
    private readonly signer: IdentityTokenSigner,
    private readonly ttlSeconds: number,
  ) {}

  async token(identity: OfframpIdentity, grant: IdentityGrant): Promise<string> {
    const key = `${grant.audience}\u0000${grant.csrfVerified ? 1 : 0}\u0000${identity.source}\u0000${identity.userId}\u0000${identity.email ?? ''}\u0000${identity.roles.join(',')}`;
    const cached = this.cache.get(key);
    const now = Date.now();
    if (cached && cached.until > now) return cached.token;
    const token = await this.signer.sign(identity, grant);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { token, until: now + (this.ttlSeconds * 1_000) / 2 });
    return token;
  }
}
