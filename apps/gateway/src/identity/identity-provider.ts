import type { IncomingMessage } from 'node:http';
import type { IdentityGrant, OfframpIdentity } from '@offramp/platform';

export interface CallerIdentity {
  /** The logged-in user of the monolith, when one could be established. */
  identity?: OfframpIdentity;
  /** The monolith's session id (decrypted from its cookie), for canary stickiness. */
  sessionId?: string;
}

/** How the proxy learns who calls and what it forwards to slices. */
export interface IdentityProvider {
  resolve(req: IncomingMessage): Promise<CallerIdentity>;
  /** The short-lived signed token for `x-offramp-identity`, valid only at `grant.audience` (the route's slice). */
  token(identity: OfframpIdentity, grant: IdentityGrant): Promise<string>;
}

/** For a gateway without APP_KEY or whoami: nobody is ever identified. */
export const anonymousIdentityProvider: IdentityProvider = {
  resolve: async () => ({}),
  token: async () => {
    throw new Error('no identity provider');
  },
};
