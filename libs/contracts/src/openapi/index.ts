export { canonicalJson, openApiDrift } from './openapi-drift.js';
export { breakingChanges, breakingChangeVerdict } from './breaking-changes.js';
export type { OpenApiDocument, OpenApiOperation, OpenApiSchema, OpenApiParameter } from './openapi-types.js';
