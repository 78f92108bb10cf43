import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { IDENTITY_HEADER, type VerifiedIdentity } from './identity.js';
import { IdentityTokenVerifier } from './identity-token.js';

type RequestWithIdentity = FastifyRequest & { identity?: VerifiedIdentity };

/** Slices accept only the gateway's signed token for them, never the monolith's raw cookie. */
@Injectable()
export class IdentityGuard implements CanActivate {
  constructor(private readonly verifier: IdentityTokenVerifier) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithIdentity>();
    const header = request.headers[IDENTITY_HEADER];
    const token = Array.isArray(header) ? undefined : header;
    const identity = token ? await this.verifier.verify(token) : undefined;
    if (!identity) throw new UnauthorizedException(token ? 'the identity token is invalid or expired' : 'no identity token');
    request.identity = identity;
    return true;
  }
}

/** The verified caller (with `csrfVerified`), in a handler behind IdentityGuard. */
export const CurrentIdentity = createParamDecorator(
  (_data: unknown, context: ExecutionContext): VerifiedIdentity | undefined => context.switchToHttp().getRequest<RequestWithIdentity>().identity,
);
