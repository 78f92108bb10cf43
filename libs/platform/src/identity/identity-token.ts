import type { KeyObject } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type { OfframpIdentity } from './identity.js';
import { TOKEN_AUDIENCE, TOKEN_ISSUER, type IdentityKeys } from './identity-keys.js';

/** Signs the short-lived token the gateway forwards to slices. */
export class IdentityTokenSigner {
  private readonly signingKey: KeyObject;

  constructor(private readonly keys: IdentityKeys) {
    if (!keys.signingKey) throw new Error('IdentityTokenSigner needs a signing key');
    this.signingKey = keys.signingKey;
  }

  sign(identity: OfframpIdentity): Promise<string> {
    return new SignJWT({ email: identity.email, name: identity.name, roles: identity.roles, src: identity.source })
      .setProtectedHeader({ alg: this.keys.alg, typ: 'JWT' })
      .setSubject(identity.userId)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.keys.ttlSeconds}s`)
      .sign(this.signingKey);
  }
}

/** Verifies a token from the gateway; any doubt (signature, expiry, issuer, algorithm) is a rejection. */
export class IdentityTokenVerifier {
  constructor(private readonly keys: IdentityKeys) {}

  async verify(token: string): Promise<OfframpIdentity | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.keys.verificationKey, {
        algorithms: [this.keys.alg],
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        clockTolerance: 5,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      return {
        userId: String(payload.sub),
        email: typeof payload['email'] === 'string' ? payload['email'] : undefined,
        name: typeof payload['name'] === 'string' ? payload['name'] : undefined,
        roles: Array.isArray(payload['roles']) ? payload['roles'].filter((role): role is string => typeof role === 'string') : [],
        source: payload['src'] === 'whoami' ? 'whoami' : 'laravel-session',
      };
    } catch {
      return undefined;
    }
  }
}
