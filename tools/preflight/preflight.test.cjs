// Runs with node:test (plain CommonJS like the preflight itself), against the real script.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const script = path.join(__dirname, 'preflight.cjs');
const preflight = (...args) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });

test('an unknown command is refused with the commands that exist', () => {
  const result = preflight('strat');
  assert.strictEqual(result.status, 1);
  assert.match(result.stderr, /unknown command "strat"/);
  assert.match(result.stderr, /fix: use one of: npm start, npm test, npm run preflight/);
});

test('a second run only checks: Node 24 in place, dependencies installed, nothing reinstalled', () => {
  const result = preflight('check');
  assert.strictEqual(result.status, 0, result.stderr);
  assert.match(result.stderr, /ready: Node v2[4-9]\.\d+\.\d+, checks took \d+ ms/);
  assert.doesNotMatch(result.stderr, /installing/);
});

test('run hands a command over under the project Node', () => {
  const result = spawnSync(process.execPath, [script, 'run', '--', 'node', '-p', 'process.versions.node'], { encoding: 'utf8' });
  assert.strictEqual(result.status, 0, result.stderr);
  assert.ok(Number(result.stdout.trim().split('.')[0]) >= 22, result.stdout);
});
