/**
 * Thrown by a handler that wants its message redelivered after a delay it chose (a Laravel job's
 * `backoff`), instead of the consumer's own exponential backoff.
 */
export class RetryLaterError extends Error {
  constructor(
    readonly delayMs: number,
    cause: unknown,
  ) {
    super(`${(cause as Error)?.message ?? String(cause)} (retry in ${delayMs} ms)`, { cause });
    this.name = 'RetryLaterError';
  }
}
