// A Jest reporter for `npm test`: nx interleaves the output of the projects it runs side by side,
// so a failing test's message can sit minutes of output above the end of a long log, where a CI
// log that keeps only its tail loses it. Each Jest run appends its failures to the file named by
// OFFRAMP_TEST_FAILURES (set by the preflight's test command), which the preflight prints again
// after nx has failed. Without the variable it does nothing.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { stripVTControlCharacters } = require('node:util');

const MAX_MESSAGE_CHARS = 4_000;

class FailingTestsReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const file = process.env.OFFRAMP_TEST_FAILURES;
    if (!file) return;
    const lines = [];
    for (const suite of results.testResults) {
      const where = path.relative(path.join(__dirname, '..', '..'), suite.testFilePath);
      if (suite.testExecError) lines.push(`✕ ${where}: the suite did not run`, clip(suite.testExecError.stack ?? suite.testExecError.message), '');
      for (const test of suite.testResults) {
        if (test.status !== 'failed') continue;
        lines.push(`✕ ${where} › ${test.fullName}`, clip(test.failureMessages.join('\n')), '');
      }
    }
    if (lines.length) fs.appendFileSync(file, `${lines.join('\n')}\n`);
  }
}

function clip(text) {
  // Jest's messages carry colour codes; a CI log is read as text.
  const plain = stripVTControlCharacters(text);
  return plain.length > MAX_MESSAGE_CHARS
    ? `${plain.slice(0, MAX_MESSAGE_CHARS)}\n… (${plain.length - MAX_MESSAGE_CHARS} more characters above, in the log)`
    : plain;
}

module.exports = FailingTestsReporter;
