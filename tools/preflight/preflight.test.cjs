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

test("npm test's reporter writes each failing Jest test, with its message, to the file the preflight prints again", () => {
  const fs = require('node:fs');
  const os = require('node:os');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offramp-reporter-'));
  try {
    fs.writeFileSync(
      path.join(dir, 'sample.spec.js'),
      "test('passes', () => expect(1).toBe(1));\ndescribe('a suite', () => { test('fails', () => expect('answer').toBe('the other answer')); });\n",
    );
    const failures = path.join(dir, 'failures.txt');
    const config = { rootDir: dir, testMatch: ['<rootDir>/*.spec.js'], reporters: [path.join(__dirname, 'failing-tests.reporter.cjs')] };
    const jest = path.join(__dirname, '..', '..', 'node_modules', 'jest', 'bin', 'jest.js');
    const result = spawnSync(process.execPath, [jest, '--ci', '--config', JSON.stringify(config)], {
      encoding: 'utf8',
      cwd: dir,
      env: { ...process.env, OFFRAMP_TEST_FAILURES: failures },
    });
    assert.strictEqual(result.status, 1, result.stderr);
    const written = fs.readFileSync(failures, 'utf8');
    assert.match(written, /✕ .*sample\.spec\.js › a suite fails/);
    assert.match(written, /Expected: "the other answer"/);
    assert.doesNotMatch(written, /passes/);
    assert.ok(!written.includes('\u001b'), 'no colour codes');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
