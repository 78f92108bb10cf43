/** One line of `offramp doctor`: what was checked, how it went, and for warn/fail what to do. */
export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  /** What was found (for ok: what was checked). Never a secret. */
  detail: string;
  /** What to change, for warn and fail. */
  fix?: string;
}

export const ok = (name: string, detail: string): CheckResult => ({ name, status: 'ok', detail });
export const warn = (name: string, detail: string, fix: string): CheckResult => ({ name, status: 'warn', detail, fix });
export const fail = (name: string, detail: string, fix: string): CheckResult => ({ name, status: 'fail', detail, fix });

/** A check that cannot run because one it depends on failed. */
export const skipped = (name: string, because: string, fix = 'fix the check above first'): CheckResult => fail(name, `skipped because ${because}`, fix);

/** Thrown by `within` when a check took longer than its bound. */
export class CheckTimeoutError extends Error {
  readonly code = 'DOCTOR_CHECK_TIMEOUT';
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

/** Runs `work` for at most `timeoutMs` (its timer never keeps the process alive). */
export async function within<T>(timeoutMs: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new CheckTimeoutError(timeoutMs)), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** An error as one short clause: its code when it has one (ECONNREFUSED), else its first line. */
export function reason(error: unknown): string {
  const err = error as { code?: unknown; message?: string; cause?: { code?: unknown; message?: string } };
  const code = typeof err.code === 'string' ? err.code : typeof err.cause?.code === 'string' ? err.cause.code : undefined;
  const message = (err.cause?.message && err.message === 'fetch failed' ? err.cause.message : err.message) ?? String(error);
  const line = message.split('\n')[0] ?? '';
  return code && !line.includes(code) ? `${code}: ${line}` : line;
}
