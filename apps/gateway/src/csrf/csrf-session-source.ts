import type { IncomingMessage } from 'node:http';

/** What the CSRF check needs from the identity bridge: the monolith's session and its key. */
export interface CsrfSessionSource {
  /**
   * The `_token` of the session the request's cookie names, read from the session store now.
   * Undefined when there is no such session (no cookie, one that does not verify, an expired or
   * unknown session) or no token in it: Laravel then starts a new session, whose fresh token no
   * request can carry. Throws CsrfSessionUnavailableError when the store cannot be read.
   */
  csrfSessionToken(req: IncomingMessage): Promise<string | undefined>;
  /** The token inside an X-XSRF-TOKEN header (decrypted with APP_KEY), undefined when it does not decrypt. */
  xsrfToken(header: string): string | undefined;
}

/** The session store could not be read, so the CSRF token cannot be checked (the gateway answers 503). */
export class CsrfSessionUnavailableError extends Error {
  readonly code = 'CSRF_SESSION_UNAVAILABLE';

  constructor(cause: unknown) {
    super(`the session store could not be read to check the CSRF token: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}
