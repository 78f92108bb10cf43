export { LaravelEncrypter, parseAppKey, InvalidAppKeyError, type LaravelCipher } from './encryption/laravel-encrypter.js';
export { cookieValuePrefix, sessionIdFromCookie, readCookie } from './encryption/session-cookie.js';
export { cookieUpdate, type CookieUpdate } from './encryption/set-cookie.js';
export { XSRF_COOKIE, tokenFromXsrfHeader, csrfTokensMatch } from './csrf/csrf-token.js';
export { phpUnserialize } from './php/php-unserialize.js';
export type { SessionStore } from './session/session-store.js';
export { decodeSessionPayload } from './session/decode-session.js';
export { FileSessionStore } from './session/file-session-store.js';
export { DatabaseSessionStore, type SessionQuery } from './session/database-session-store.js';
export { RedisSessionStore, type RedisGetter } from './session/redis-session-store.js';
export { LaravelSessionIdentity, loginSessionKey, type LaravelSessionIdentityOptions, type SessionLookup } from './identity/laravel-session-identity.js';
export { WhoamiClient, type WhoamiUser, type WhoamiRequest } from './identity/whoami-client.js';
export {
  importLaravelRouteList,
  importSymfonyRouteList,
  importRouteList,
  RouteListFormatError,
  type ImportedRoute,
} from './routes/route-list-import.js';
