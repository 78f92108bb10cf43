import { rmSync } from 'node:fs';
import { createClient } from '@hey-api/openapi-ts';

/**
 * One TypeScript client from one OpenAPI document, as every client of ours is made: @hey-api/openapi-ts
 * (pinned exactly in the root package.json), fetch client, types and one function per operation,
 * ESM imports with `.js`. The output folder is replaced whole.
 */
export async function generateClient(document: string, output: string): Promise<void> {
  rmSync(output, { recursive: true, force: true });
  await createClient({
    input: document,
    output: { path: output, importFileExtension: '.js' },
    plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk'],
    logs: { level: 'silent' },
  });
}
