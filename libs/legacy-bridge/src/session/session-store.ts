/** Reads one session's attributes from the store the monolith uses. */
export interface SessionStore {
  /** The session's attributes, or undefined when it does not exist or has expired. */
  read(sessionId: string): Promise<Record<string, unknown> | undefined>;
}

const SESSION_ID = /^[A-Za-z0-9]{40}$/;

/** Session ids come from a decrypted cookie, yet are checked again before touching a path or a key. */
export function assertSessionId(sessionId: string): void {
  if (!SESSION_ID.test(sessionId)) throw new Error('not a Laravel session id');
}
