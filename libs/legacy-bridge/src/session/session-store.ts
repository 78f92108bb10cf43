import { decodeSessionPayload } from './decode-session.js';

/** Reads one session's attributes from the store the monolith uses. */
export interface SessionStore {
  /** The session's attributes, or undefined when it does not exist or has expired. */
  read(sessionId: string): Promise<Record<string, unknown> | undefined>;
}

/**
 * How one framework keeps its sessions, as far as a store must know: which ids it issues, which
 * file holds one, and how the stored text becomes attributes. The stores (file, redis) are shared;
 * the format is Laravel's unless a store is given another (libs/legacy-bridge/src/symfony).
 */
export interface SessionFormat {
  /** Throws unless the id is one the monolith could have issued: checked before it names a file or a key. */
  assertId(sessionId: string): void;
  /** The session's file in the store's folder. */
  fileName(sessionId: string): string;
  /** The attributes in what a file or row holds; undefined when it is not a whole session (a write in progress). */
  decode(stored: string): Record<string, unknown> | undefined;
}

const SESSION_ID = /^[A-Za-z0-9]{40}$/;

/** Session ids come from a decrypted cookie, yet are checked again before touching a path or a key. */
export function assertSessionId(sessionId: string): void {
  if (!SESSION_ID.test(sessionId)) throw new Error('not a Laravel session id');
}

/** Laravel's Store: ids of 40 letters and digits, a file named by the id, serialize($attributes). */
export const LARAVEL_SESSION_FORMAT: SessionFormat = {
  assertId: assertSessionId,
  fileName: (sessionId) => sessionId,
  decode: decodeSessionPayload,
};
