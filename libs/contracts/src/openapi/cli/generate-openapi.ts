// Writes each HTTP service's OpenAPI document into libs/contracts/openapi/ and regenerates the
// SDK from the api's. Each document comes from the service's own decorators (apps/<app>/dist/
// openapi.js: Nest in preview mode, no port, no database). Run: npm run contracts:openapi
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from '@hey-api/openapi-ts';
import { canonicalJson } from '../openapi-drift.js';
import { describedServices, documentPath, OPENAPI_DIR, SDK_GENERATED_DIR, WORKSPACE_ROOT } from './paths.js';

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

rmSync(SDK_GENERATED_DIR, { recursive: true, force: true });
await createClient({
  input: documentPath('api'),
  output: { path: SDK_GENERATED_DIR, importFileExtension: '.js' },
  plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk'],
  logs: { level: 'silent' },
});
process.stderr.write(`contracts: regenerated the SDK in ${SDK_GENERATED_DIR}\n`);
