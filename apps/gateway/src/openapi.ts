// Prints the gateway admin API's OpenAPI document (libs/contracts' generator runs this from dist).
import { buildAdminOpenApiDocument } from './openapi/openapi-document.js';

process.stdout.write(JSON.stringify(await buildAdminOpenApiDocument()));
