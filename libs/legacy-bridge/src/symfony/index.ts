export { SymfonySessionIdentity, type SymfonySessionIdentityOptions, type SymfonySessionLookup, type SymfonyUser } from './symfony-session-identity.js';
export {
  decodePhpSessionData,
  isSymfonySessionId,
  assertSymfonySessionId,
  InvalidSymfonySessionIdError,
  PdoSessionStore,
  PDO_SESSION_DEFAULTS,
  SYMFONY_SESSION_FORMAT,
  type PdoSessionColumns,
  type PdoSessionQuery,
} from './symfony-session.js';
export { readSymfonyToken, SymfonyTokenError, SYMFONY_TOKEN_CLASSES, type SymfonyTokenUser, type SymfonyTokenErrorCode } from './symfony-token.js';
export { configuredSymfonySessionStore, type SymfonySessionStoreSettings } from './configured-symfony-session-store.js';
export { phpUnserializeAt, phpUnserializeBounded, type BoundedUnserializeOptions } from '../php/php-unserialize.js';
