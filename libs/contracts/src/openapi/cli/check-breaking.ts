// Fails when a committed OpenAPI document breaks clients of the one on main (OPENAPI_BASE_REF)
// without a major version bump. Run: npm run contracts:breaking
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { breakingChangeVerdict } from '../breaking-changes.js';
import type { OpenApiDocument } from '../openapi-types.js';
import { describedServices, documentPath, WORKSPACE_ROOT } from './paths.js';

const baseRef = process.env.OPENAPI_BASE_REF ?? 'main';
let failed = false;
for (const service of describedServices()) {
  const file = relative(WORKSPACE_ROOT, documentPath(service));
  let base: OpenApiDocument;
  try {
    base = JSON.parse(execFileSync('git', ['show', `${baseRef}:${file}`], { cwd: WORKSPACE_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    process.stdout.write(`${service}: no ${file} on ${baseRef} yet; nothing to break\n`);
    continue;
  }
  const verdict = breakingChangeVerdict(base, JSON.parse(readFileSync(documentPath(service), 'utf8')));
  process.stdout.write(`${verdict.message}\n`);
  failed ||= !verdict.ok;
}
process.exit(failed ? 1 : 0);
