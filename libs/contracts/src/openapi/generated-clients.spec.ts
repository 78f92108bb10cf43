import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { generateClient } from './cli/generate-client.js';
import { documentPath, GENERATED_CLIENTS } from './cli/paths.js';

// libs/contracts imports nothing of ours, the test harness included.
function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

function files(root: string): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else found.set(relative(root, path), readFileSync(path, 'utf8'));
    }
  };
  walk(root);
  return found;
}

/** Files that differ, are missing or are extra in `fresh` compared with `committed`. */
function differences(committed: Map<string, string>, fresh: Map<string, string>): string[] {
  const names = [...new Set([...committed.keys(), ...fresh.keys()])].sort();
  return names.filter((name) => committed.get(name) !== fresh.get(name));
}

// The committed clients are what the pinned generator makes from the committed documents, so no
// one edits a generated file by hand or changes a document without its client.
describe.each(GENERATED_CLIENTS)('the generated $service client', ({ service, output }) => {
  it(`is what the generator makes from ${service}.openapi.json (else: npm run contracts:openapi)`, async () => {
    const scratch = tempDir(`offramp-${service}-client-`);
    try {
      await generateClient(documentPath(service), join(scratch.path, 'generated'));
      expect(differences(files(output), files(join(scratch.path, 'generated')))).toEqual([]);
    } finally {
      scratch.remove();
    }
  });

  it('the comparison fails for a client made from a changed document', async () => {
    const scratch = tempDir(`offramp-${service}-client-`);
    try {
      const document = JSON.parse(readFileSync(documentPath(service), 'utf8')) as { paths: Record<string, unknown> };
      const [firstPath] = Object.keys(document.paths).sort();
      if (firstPath) delete document.paths[firstPath];
      writeFileSync(join(scratch.path, 'changed.json'), JSON.stringify(document));
      await generateClient(join(scratch.path, 'changed.json'), join(scratch.path, 'generated'));
      expect(differences(files(output), files(join(scratch.path, 'generated')))).toEqual(expect.arrayContaining(['sdk.gen.ts', 'types.gen.ts']));
    } finally {
      scratch.remove();
    }
  });
});
