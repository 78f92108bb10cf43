import type { Backoff } from './backoff.js';

export interface RetryOptions {
  backoff: Backoff;
  /**
   * Gives up once a further wait would end more than this many ms after the first try began
   * (the last error is thrown as it is). 0: one try. Without it, tries until aborted.
   */
  retryForMs?: number;
  /** Aborting ends the retries at once, also in the middle of a wait: the call rejects with RetryAbortedError. */
  signal?: AbortSignal;
  /** Told about each failure that will be retried, before the wait. */
  onRetry?: (error: unknown, failures: number, delayMs: number) => void;
}

/** The retries were stopped by their AbortSignal (a shutdown), not by a final failure. */
export class RetryAbortedError extends Error {
  constructor(options?: ErrorOptions) {
    super('retries aborted', options);
    this.name = 'RetryAbortedError';
  }
}

/**
 * Runs `work` until it resolves, waiting `backoff(failures)` between tries: the one retry loop for
 * connecting at start, declaring streams and publishing until acknowledged.
 */
export async function retryWithBackoff<T>(work: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const deadline = options.retryForMs === undefined ? Infinity : Date.now() + options.retryForMs;
  for (let attempt = 1; ; attempt += 1) {
    if (options.signal?.aborted) throw new RetryAbortedError({ cause: options.signal.reason });
    try {
      return await work(attempt);
    } catch (error) {
      if (options.signal?.aborted) throw new RetryAbortedError({ cause: error });
      const delayMs = options.backoff(attempt);
      if (Date.now() + delayMs >= deadline) throw error;
      options.onRetry?.(error, attempt, delayMs);
      await pause(delayMs, options.signal);
    }
  }
}

/** Resolves after `ms`, or at once when the signal aborts (the loop then sees it aborted). */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
