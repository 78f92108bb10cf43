// Regenerates asyncapi/events.asyncapi.json from the catalog: `nx run contracts:asyncapi`.
import { writeFileSync } from 'node:fs';
import { renderAsyncApiDocument } from './asyncapi.js';

const target = new URL('../../asyncapi/events.asyncapi.json', import.meta.url);
writeFileSync(target, renderAsyncApiDocument());
process.stdout.write(`wrote ${target.pathname}\n`);
