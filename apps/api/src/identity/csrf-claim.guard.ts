import { type CanActivate, type ExecutionContext, HttpException, Injectable } from '@nestjs/common';
import type { VerifiedIdentity } from '@offramp/platform';

/** Laravel's TokenMismatchException as its handler renders it: 419 `{"message": "CSRF token mismatch."}`. */
export class CsrfTokenMismatchException extends HttpException {
  constructor() {
    super('CSRF token mismatch.', 419);
  }
}

/**
 * For a state-changing route whose monolith route checks the CSRF token: the slice never sees the
 * session, so it relies on the gateway's word that the check was made (the identity token's `csrf`
 * claim). Runs after IdentityGuard; without the claim the request is refused as Laravel refuses it.
 */
@Injectable()
export class CsrfClaimGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const identity = context.switchToHttp().getRequest<{ identity?: VerifiedIdentity }>().identity;
    if (identity?.csrfVerified !== true) throw new CsrfTokenMismatchException();
    return true;
  }
}
