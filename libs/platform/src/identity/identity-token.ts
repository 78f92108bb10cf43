import type { KeyObject } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type { IdentityGrant, OfframpIdentity, VerifiedIdentity } from './identity.js';
import { TOKEN_ISSUER, type IdentityKeys } from './identity-keys.js';

/** Signs the short-lived token the gateway forwards to one slice (`aud`: that slice only). */
export class IdentityTokenSigner {
  private readonly signingKey: KeyObject;

  constructor(private readonly keys: IdentityKeys) {
    if (!keys.signingKey) throw new Error('IdentityTokenSigner needs a signing key');
    this.signingKey = keys.signingKey;
  }

  sign(identity: OfframpIdentity, grant: IdentityGrant): Promise<string> {
    return new SignJWT({ email: identity.email, name: identity.name, roles: identity.roles, src: identity.source, csrf: grant.csrfVerified })
      .setProtectedHeader({ alg: this.keys.alg, typ: 'JWT' })
      .setSubject(identity.userId)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(grant.audience)
      .setIssuedAt()
      .setExpirationTime(`${this.keys.ttlSeconds}s`)
      .sign(this.signingKey);
  }
}

/**
 * Verifies a token from the gateway for this service's audience; any doubt (signature, expiry,
 * issuer, algorithm, a token meant for another slice) is a rejection.
 */
export class IdentityTokenVerifier {
  constructor(
    private readonly keys: IdentityKeys,
    readonly audience: string,
  ) {}

  get alg(): IdentityKeys['alg'] {
    return this.keys.alg;
  }

  async verify(token: string): Promise<VerifiedIdentity | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.keys.verificationKey, {
        algorithms: [this.keys.alg],
        issuer: TOKEN_ISSUER,
        audience: this.audience,
        clockTolerance: 5,
        requiredClaims: ['sub', 'exp', 'iat', 'aud'],
      });
      // jose accepts a list that contains ours; the gateway signs for exactly one slice.
      if (payload.aud !== this.audience) return undefined;
      return {
        userId: String(payload.sub),
        email: typeof payload['email'] === 'string' ? payload['email'] : undefined,
        name: typeof payload['name'] === 'string' ? payload['name'] : undefined,
        roles: Array.isArray(payload['roles']) ? payload['roles'].filter((role): role is string => typeof role === 'string') : [],
        source: payload['src'] === 'whoami' || payload['src'] === 'symfony-session' ? payload['src'] : 'laravel-session',
        csrfVerified: payload['csrf'] === true,
      };
    } catch {
      return undefined;
    }
  }
}
