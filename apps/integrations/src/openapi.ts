// Prints the integrations slice's OpenAPI document (libs/contracts' generator runs this from dist).
import { buildIntegrationsOpenApiDocument } from './openapi/openapi-document.js';

process.stdout.write(JSON.stringify(await buildIntegrationsOpenApiDocument()));
