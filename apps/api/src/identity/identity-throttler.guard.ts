import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { OfframpIdentity } from '@offramp/platform';

/**
 * Rate limits per caller: the identity the gateway vouches for (set by IdentityGuard, which runs
 * first), not the client IP, which behind the gateway would be the gateway's for everyone.
 */
@Injectable()
export class IdentityThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const identity = request['identity'] as OfframpIdentity | undefined;
    return identity ? `user:${identity.userId}` : `ip:${String(request['ip'])}`;
  }
}
