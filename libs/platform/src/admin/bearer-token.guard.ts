import { createHash, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * An admin API that answers only `Authorization: Bearer <token>`; with no token configured it is
 * off (503 naming the variable). Compared as SHA-256 digests in constant time, so neither the
 * length nor a prefix of the token leaks. A service extends it with the token from its config.
 */
export abstract class BearerTokenGuard implements CanActivate {
  private readonly expected?: Buffer;

  protected constructor(
    token: string | undefined,
    private readonly variable: string,
  ) {
    this.expected = token ? digest(token) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) throw new ServiceUnavailableException(`the admin API is off: set ${this.variable}`);
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!token || !timingSafeEqual(digest(token), this.expected)) throw new UnauthorizedException('a valid admin bearer token is required');
    return true;
  }
}
