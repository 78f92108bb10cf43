// Writes each HTTP service's OpenAPI document into libs/contracts/openapi/ and regenerates the
// clients made from them (GENERATED_CLIENTS: the api's SDK, the gateway admin API's client). Each
// document comes from the service's own decorators (apps/<app>/dist/openapi.js: Nest in preview
// mode, no port, no database). Run: npm run contracts:openapi
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../openapi-drift.js';
import { generateClient } from './generate-client.js';
import { describedServices, documentPath, GENERATED_CLIENTS, OPENAPI_DIR, WORKSPACE_ROOT } from './paths.js';

mkdirSync(OPENAPI_DIR, { recursive: true });
for (const service of describedServices()) {
  const entry = join(WORKSPACE_ROOT, 'apps', service, 'dist/openapi.js');
  if (!existsSync(entry)) {
    process.stderr.write(`contracts: ${entry} is missing; build it first (nx run ${service}:build)\n`);
    process.exit(1);
  }
  const document = JSON.parse(execFileSync(process.execPath, [entry], { cwd: WORKSPACE_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
  writeFileSync(documentPath(service), canonicalJson(document));
  process.stderr.write(`contracts: wrote ${documentPath(service)} (${document.info.title} ${document.info.version})\n`);
}

for (const { service, output } of GENERATED_CLIENTS) {
  await generateClient(documentPath(service), output);
  process.stderr.write(`contracts: regenerated the ${service} client in ${output}\n`);
}
