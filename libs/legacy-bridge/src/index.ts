export { LaravelEncrypter, parseAppKey, InvalidAppKeyError, type LaravelCipher } from './encryption/laravel-encrypter.js';
export { cookieValuePrefix, sessionIdFromCookie, readCookie } from './encryption/session-cookie.js';
export { cookieUpdate, type CookieUpdate } from './encryption/set-cookie.js';
export { XSRF_COOKIE, tokenFromXsrfHeader, csrfTokensMatch } from './csrf/csrf-token.js';
export { phpUnserialize, phpUnserializeStrict } from './php/php-unserialize.js';
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
  LARAVEL_ROUTES_FORMAT,
  type ImportedRoute,
} from './routes/route-list-import.js';
export { requirementToJs, compileRequirement, spansSegments, UnsupportedRequirementError, ROUTE_SEPARATORS } from './routes/route-requirements.js';
export { phpJson, phpPrettyJson, phpJsonUnescapedUnicode } from './php/php-json.js';
export { parsePhpQuery, phpBuildQuery, type PhpArray, type PhpValue } from './php/php-query.js';
export { checkRules, displayName, isPhpArray, phpIsInt, type LaravelRule } from './validation/laravel-rules.js';
export { validateLaravel, existsChecks, inRuleOrder, errorsJson, type LaravelRuleSet, type LaravelErrors } from './validation/laravel-validator.js';
export { lengthAwarePaginator, laravelPageOffset, type PaginatorInput } from './pagination/length-aware-paginator.js';
export { laravelDate, laravelDateTransformer, sqlTimestamp } from './eloquent/laravel-date.js';
export { LaravelRequestUrl } from './http/request-url.js';
export { laravelRedirectBody, laravelUrlTo, LARAVEL_REDIRECT_CONTENT_TYPE } from './http/laravel-redirect.js';
export { laravelErrorPage, hasLaravelErrorView } from './errors/laravel-error-page.js';
export { phpHtmlEscape } from './php/php-html.js';
export { inputSource, inputToken, rawInputField, phpFalsy, type InputSource } from './http/laravel-input.js';
export { laravelRequestInput, MONOLITH_UNTRIMMED, type LaravelRequest, type LaravelInputOptions } from './http/laravel-request-input.js';
export { phpJsonDecode, PhpFloat, phpFloatString, PHP_JSON_DEPTH } from './http/php-json-decode.js';
export { readBodiesAsLaravel, PHP_POST_MAX_SIZE, type LaravelBodiesOptions } from './http/laravel-bodies.js';
export { answersJson, expectsJson, compilePathPatterns } from './http/expects-json.js';
export { PhpObject, UnexpectedPhpClassError, CorruptPhpSerializationError } from './php/php-object.js';
export {
  parseJobPayload,
  decodeJobCommand,
  createJobPayload,
  modelReference,
  modelIdentifier,
  queueableProperties,
  backoffSeconds,
  backoffAfterAttempt,
  LaravelJobError,
  CALL_QUEUED_HANDLER,
  MODEL_IDENTIFIER,
  type LaravelJobPayload,
  type LaravelJobErrorCode,
  type ModelReference,
  type NewJob,
} from './queue/laravel-job.js';
export {
  decodeMessengerBody,
  encodeMessengerBody,
  messengerBodyClass,
  MessengerEnvelope,
  MessengerMessageError,
  redeliveryStamp,
  delayStamp,
  sentToFailureTransportStamp,
  errorDetailsStamp,
  busNameStamp,
  sameErrorDetails,
  ENVELOPE_CLASSES,
  BUS_NAME_STAMP,
  DELAY_STAMP,
  REDELIVERY_STAMP,
  ERROR_DETAILS_STAMP,
  SENT_TO_FAILURE_TRANSPORT_STAMP,
  TRANSPORT_MESSAGE_ID_STAMP,
  type MessengerMessageErrorCode,
} from './symfony-messenger/messenger-envelope.js';
export {
  unserializeLossless,
  unserializeAt,
  serializeLossless,
  phpSerialize,
  propertyOf,
  privateName,
  SerializedFloat,
  type SerializedValue,
  type SerializedMap,
  type UnserializeOptions,
} from './php/php-serialized.js';
