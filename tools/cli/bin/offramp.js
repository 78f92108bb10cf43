#!/usr/bin/env node
// `npx offramp …` from the repo root. Runs the built CLI (tools/cli/dist); build it with `nx run cli:build`.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('offramp: the CLI is not built yet; run `npx nx run cli:build` (or `npm run build`) first\n');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
