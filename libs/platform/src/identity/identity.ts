/** Who is calling, as the gateway established it from the monolith's own session. */
export interface OfframpIdentity {
  /** The monolith's user id. */
  userId: string;
  email?: string;
  name?: string;
  roles: string[];
  /** How the gateway learned it: the decrypted Laravel session, or the monolith's whoami endpoint. */
  source: 'laravel-session' | 'whoami';
}

/** The header that carries the signed identity from the gateway to a slice, and nowhere else. */
export const IDENTITY_HEADER = 'x-offramp-identity';
