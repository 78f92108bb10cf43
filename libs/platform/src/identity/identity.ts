/** Who is calling, as the gateway established it from the monolith's own session. */
export interface OfframpIdentity {
  /** The monolith's user id. */
  userId: string;
  email?: string;
  name?: string;
  roles: string[];
  /** How the gateway learned it: the decrypted Laravel session, the Symfony session's security token, or the monolith's whoami endpoint. */
  source: 'laravel-session' | 'symfony-session' | 'whoami';
}

/** What the gateway vouches for when it signs a token for one slice. */
export interface IdentityGrant {
  /** The slice the token is for (`aud`): the route's service name, as in GATEWAY_SERVICES. */
  audience: string;
  /** True when the gateway checked the monolith's CSRF token for this request (claim `csrf`). */
  csrfVerified: boolean;
}

/** The caller as a slice sees it, once the gateway's token verified. */
export interface VerifiedIdentity extends OfframpIdentity {
  /** The gateway made the monolith's CSRF check for this request: slices rely on it for unsafe methods. */
  csrfVerified: boolean;
}

/** The header that carries the signed identity from the gateway to a slice, and nowhere else. */
export const IDENTITY_HEADER = 'x-offramp-identity';
