import { phpUnserializeBounded } from '../php/php-unserialize.js';
import { PhpObject } from '../php/php-object.js';

const CORE = 'Symfony\\Component\\Security\\Core\\Authentication\\Token\\';

/**
 * Symfony 5.4's tokens as their __serialize() writes them: where the parent's data sits (each
 * level down to AbstractToken's `[user, authenticated, null, attributes, roleNames]`) and where
 * the firewall name is. SwitchUserToken extends UsernamePasswordToken: two levels.
 */
const TOKEN_LAYOUTS: Readonly<Record<string, { parents: number[]; firewall: number[] }>> = {
  [`${CORE}UsernamePasswordToken`]: { parents: [2], firewall: [1] },
  [`${CORE}RememberMeToken`]: { parents: [2], firewall: [1] },
  [`${CORE}PreAuthenticatedToken`]: { parents: [2], firewall: [1] },
  [`${CORE}SwitchUserToken`]: { parents: [2, 2], firewall: [2, 1] },
  ['Symfony\\Component\\Security\\Http\\Authenticator\\Token\\PostAuthenticationToken']: { parents: [1], firewall: [0] },
};

/** The token classes read from a session: Symfony's own, never a class of the app. */
export const SYMFONY_TOKEN_CLASSES: readonly string[] = Object.keys(TOKEN_LAYOUTS);

export type SymfonyTokenErrorCode = 'malformed_token' | 'not_authenticated' | 'other_firewall';

export class SymfonyTokenError extends Error {
  constructor(
    readonly code: SymfonyTokenErrorCode,
    reason: string,
  ) {
    super(`the session's security token cannot be used: ${reason}`);
    this.name = 'SymfonyTokenError';
  }
}

/** The user an authenticated token holds: an object of one of the app's user classes, or (deprecated in 5.4) a bare identifier. */
export type SymfonyTokenUser =
  { kind: 'object'; phpClass: string; properties: Record<string, unknown>; roles: string[] } | { kind: 'identifier'; identifier: string; roles: string[] };

/**
 * Reads `serialize($token)` as ContextListener stored it under `_security_<firewall>`. Only
 * Symfony's token classes and `userClasses` may appear (anything else is an UnexpectedPhpClassError,
 * nothing is instantiated); broken input is a CorruptPhpSerializationError; a token in another
 * shape, of another firewall or not authenticated is a SymfonyTokenError.
 */
export function readSymfonyToken(serialized: string, options: { userClasses: readonly string[]; firewall?: string }): SymfonyTokenUser {
  const token = phpUnserializeBounded(serialized, { allowedClasses: [...SYMFONY_TOKEN_CLASSES, ...options.userClasses] });
  if (!(token instanceof PhpObject)) throw new SymfonyTokenError('malformed_token', 'not an object');
  const layout = TOKEN_LAYOUTS[token.phpClass];
  if (!layout) throw new SymfonyTokenError('malformed_token', `${token.phpClass} is not a token`);
  let data: unknown = listOf(token.properties);
  let firewall: unknown = data;
  for (const index of layout.firewall) firewall = Array.isArray(firewall) ? firewall[index] : undefined;
  for (const index of layout.parents) {
    let parent: unknown = Array.isArray(data) ? data[index] : undefined;
    // Tokens serialized before Symfony 5.3 keep the parent's data as a serialized string.
    if (typeof parent === 'string') parent = phpUnserializeBounded(parent, { allowedClasses: [...SYMFONY_TOKEN_CLASSES, ...options.userClasses] });
    data = parent;
  }
  if (!Array.isArray(data) || data.length < 5) throw new SymfonyTokenError('malformed_token', 'no AbstractToken data');
  if (options.firewall !== undefined && typeof firewall === 'string' && firewall !== options.firewall) {
    throw new SymfonyTokenError('other_firewall', `the token is of firewall ${JSON.stringify(firewall)}`);
  }
  const [user, authenticated, , , roleNames] = data as unknown[];
  if (authenticated !== true) throw new SymfonyTokenError('not_authenticated', 'the token is not authenticated');
  const roles = Array.isArray(roleNames) ? roleNames.filter((role): role is string => typeof role === 'string') : [];
  if (user instanceof PhpObject) {
    if (!options.userClasses.includes(user.phpClass)) throw new SymfonyTokenError('malformed_token', `the user is a ${user.phpClass}`);
    return { kind: 'object', phpClass: user.phpClass, properties: user.properties, roles };
  }
  if (typeof user === 'string' && user !== '') return { kind: 'identifier', identifier: user, roles };
  throw new SymfonyTokenError('malformed_token', 'the token holds no user');
}

/** __serialize() arrays come back as properties `0`, `1`, …: as a list, in order. */
function listOf(properties: Record<string, unknown>): unknown[] | undefined {
  const keys = Object.keys(properties);
  return keys.every((key, index) => key === String(index)) ? keys.map((key) => properties[key]) : undefined;
}
