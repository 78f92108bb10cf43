import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { IDENTITY_HEADER, type OfframpIdentity } from './identity.js';
import { IdentityTokenVerifier } from './identity-token.js';

type RequestWithIdentity = FastifyRequest & { identity?: OfframpIdentity };

/** Slices accept only the gateway's signed token, never the monolith's raw cookie. */
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

/** The verified caller, in a handler behind IdentityGuard. */
export const CurrentIdentity = createParamDecorator(
  (_data: unknown, context: ExecutionContext): OfframpIdentity | undefined => context.switchToHttp().getRequest<RequestWithIdentity>().identity,
);
