import { fail, ok, skipped, warn } from './check-result.js';
import { exitCode, formatReport, summary } from './format.js';

describe('the doctor report', () => {
  const results = [
    ok('nats', 'nats://127.0.0.1:4222 answers, JetStream enabled'),
    warn('clock', 'this machine is 1500 ms ahead', 'synchronise the clocks'),
    fail('stream OFFRAMP_EVENTS', 'events stream missing', 'start pipelines'),
    skipped('clock', 'NATS does not answer'),
  ];

  it('prints one line per check: status, the name padded to the longest, what was found, and the fix for warn and fail only', () => {
    const lines = formatReport(results).split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'ok    nats                   nats://127.0.0.1:4222 answers, JetStream enabled',
      'warn  clock                  this machine is 1500 ms ahead — fix: synchronise the clocks',
      'fail  stream OFFRAMP_EVENTS  events stream missing — fix: start pipelines',
      'fail  clock                  skipped because NATS does not answer — fix: fix the check above first',
    ]);
    expect(lines[4]).toBe('4 checks: 1 ok, 1 warn, 2 fail (exit 1)');
    expect(lines[5]).toBe('');
  });

  it('keeps a multi-line detail from a server on its one line', () => {
    expect(formatReport([fail('slice api', 'not ready:\n  database down\n', 'see its log')]).split('\n')[0]).toBe(
      'fail  slice api  not ready: database down — fix: see its log',
    );
  });

  it('never prints a fix on an ok line', () => {
    expect(formatReport([{ name: 'php', status: 'ok', detail: 'PHP 8.2.36', fix: 'unused' }])).toBe('ok    php  PHP 8.2.36\n1 checks: 1 ok, 0 warn, 0 fail\n');
  });

  it('exits 0 with warnings alone, 1 with any failure', () => {
    expect(exitCode([ok('a', 'x'), warn('b', 'y', 'z')])).toBe(0);
    expect(exitCode([ok('a', 'x'), fail('b', 'y', 'z')])).toBe(1);
    expect(exitCode([])).toBe(0);
    expect(summary([ok('a', 'x'), warn('b', 'y', 'z')])).toBe('2 checks: 1 ok, 1 warn, 0 fail');
  });
});
