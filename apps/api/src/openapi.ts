// Prints the api's OpenAPI document (libs/contracts/scripts/openapi runs this from dist).
import { buildApiOpenApiDocument } from './openapi/openapi-document.js';

process.stdout.write(JSON.stringify(await buildApiOpenApiDocument()));
