// Shared Jest settings. NestJS 12 is ESM-only, so every project runs Jest in ESM mode
// (node --experimental-vm-modules) and SWC compiles TypeScript with decorator metadata.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const swc = JSON.parse(readFileSync(new URL('./.swcrc', import.meta.url), 'utf8'));
delete swc.$schema;

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false }] },
  // Sources import siblings as './x.js' (Node ESM); Jest resolves the .ts file.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // Workspace libraries are imported from their TypeScript sources, not their build output.
  testEnvironmentOptions: { customExportConditions: ['@offramp/source', 'node', 'node-addons'] },
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  testTimeout: 30_000,
  // The default reporter, and the failures again at the end of `npm test` (see the reporter).
  reporters: ['default', fileURLToPath(new URL('./tools/preflight/failing-tests.reporter.cjs', import.meta.url))],
};
