import { Controller, Get, Headers, HttpCode, Inject, Optional, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { IDENTITY_HEADER } from '../identity/identity.js';
import type { IdentityTokenSigner, IdentityTokenVerifier } from '../identity/identity-token.js';

export const IDENTITY_PROBE_PATH = '/health/identity';
/** The service's verifier for its own audience, when it was given a verification key. */
export const IDENTITY_PROBE_VERIFIER = Symbol('IDENTITY_PROBE_VERIFIER');

/** What a service answers on IDENTITY_PROBE_PATH: names only, never key material. */
export interface IdentityProbeAnswer {
  /** `verified` (200), `rejected` (401: another key, audience or algorithm), `unconfigured` (404: no key). */
  outcome: 'verified' | 'rejected' | 'unconfigured' | 'missing';
  /** The audience the service accepts (IDENTITY_TOKEN_AUDIENCE, its name by default). */
  audience?: string;
  alg?: 'HS256' | 'EdDSA';
}

/** The subject of the probe's token: no user of the monolith has it, and the probe endpoint does nothing with it. */
const PROBE_SUBJECT = 'offramp-doctor';

/** A token as the gateway signs it for `audience`, for the probe (`offramp doctor` holds the gateway's key). */
export function identityProbeToken(signer: IdentityTokenSigner, audience: string): Promise<string> {
  return signer.sign({ userId: PROBE_SUBJECT, roles: [], source: 'laravel-session' }, { audience, csrfVerified: false });
}

/**
 * Whether this service accepts a token the gateway signed for it: `offramp doctor` sends one and
 * learns, without any key leaving either side, that the gateway's signing key and this service's
 * verification key (and audience) match. It only says yes or no, as any endpoint behind the
 * IdentityGuard already does, and acts on nothing.
 */
@Controller('health')
export class IdentityProbeController {
  constructor(@Optional() @Inject(IDENTITY_PROBE_VERIFIER) private readonly verifier?: IdentityTokenVerifier) {}

  @Get('identity')
  @HttpCode(200)
  async probe(@Headers(IDENTITY_HEADER) token: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Promise<IdentityProbeAnswer> {
    if (!this.verifier) {
      void reply.status(404);
      return { outcome: 'unconfigured' };
    }
    const described = { audience: this.verifier.audience, alg: this.verifier.alg };
    if (!token) {
      void reply.status(401);
      return { outcome: 'missing', ...described };
    }
    const identity = await this.verifier.verify(token);
    if (!identity) void reply.status(401);
    return { outcome: identity ? 'verified' : 'rejected', ...described };
  }
}
