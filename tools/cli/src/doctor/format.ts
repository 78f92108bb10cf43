import type { CheckResult } from './check-result.js';

/**
 * One line per check: status, name (padded so the details line up), what was found and, for
 * warn and fail, the fix. A summary line follows.
 */
export function formatReport(results: CheckResult[]): string {
  const width = Math.max(0, ...results.map((result) => result.name.length));
  const lines = results.map((result) => {
    const head = `${result.status.padEnd(4)}  ${result.name.padEnd(width)}  ${oneLine(result.detail)}`;
    return result.fix && result.status !== 'ok' ? `${head} — fix: ${oneLine(result.fix)}` : head;
  });
  return `${lines.join('\n')}\n${summary(results)}\n`;
}

export function summary(results: CheckResult[]): string {
  const count = (status: CheckResult['status']) => results.filter((result) => result.status === status).length;
  const failed = count('fail');
  const warned = count('warn');
  return `${results.length} checks: ${count('ok')} ok, ${warned} warn, ${failed} fail${failed ? ' (exit 1)' : ''}`;
}

/** 0 when nothing failed (warnings included), 1 otherwise. */
export function exitCode(results: CheckResult[]): 0 | 1 {
  return results.some((result) => result.status === 'fail') ? 1 : 0;
}

/** A check's text on its one line, whatever a server put in it. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
