import { exponentialBackoff, linearBackoff } from './backoff.js';
import { RetryAbortedError, retryWithBackoff } from './retry-with-backoff.js';

describe('backoff', () => {
  it('doubles from the first wait up to the cap', () => {
    const backoff = exponentialBackoff({ firstMs: 100, maxMs: 2_000 });
    expect([1, 2, 3, 4, 5, 6, 7, 50, 5_000].map(backoff)).toEqual([100, 200, 400, 800, 1_600, 2_000, 2_000, 2_000, 2_000]);
  });

  it('grows by one step per failure up to the cap', () => {
    const backoff = linearBackoff({ stepMs: 250, maxMs: 1_000 });
    expect([1, 2, 3, 4, 5, 100].map(backoff)).toEqual([250, 500, 750, 1_000, 1_000, 1_000]);
  });
});

describe('retryWithBackoff', () => {
  const failing = (times: number) => {
    const attempts: number[] = [];
    const work = async (attempt: number) => {
      attempts.push(attempt);
      if (attempts.length <= times) throw new Error(`failure ${attempts.length}`);
      return `done after ${attempts.length}`;
    };
    return { attempts, work };
  };

  it('retries until the work succeeds, reporting each failure with its wait', async () => {
    const { attempts, work } = failing(3);
    const retries: Array<[string, number, number]> = [];
    const result = await retryWithBackoff(work, {
      backoff: exponentialBackoff({ firstMs: 1, maxMs: 4 }),
      onRetry: (error, failures, delayMs) => retries.push([(error as Error).message, failures, delayMs]),
    });
    expect(result).toBe('done after 4');
    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(retries).toEqual([
      ['failure 1', 1, 1],
      ['failure 2', 2, 2],
      ['failure 3', 3, 4],
    ]);
  });

  it('tries once with retryForMs 0 and throws the error itself', async () => {
    const { attempts, work } = failing(5);
    const error = await retryWithBackoff(work, { backoff: () => 1, retryForMs: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(RetryAbortedError);
    expect((error as Error).message).toBe('failure 1');
    expect(attempts).toEqual([1]);
  });

  it('gives up when the next wait would end past retryForMs', async () => {
    const { attempts, work } = failing(Infinity);
    // Waits of at least 5 ms within 50 ms: at most 10 retries, then the last failure is thrown.
    await expect(retryWithBackoff(work, { backoff: () => 5, retryForMs: 50 })).rejects.toThrow(/^failure \d+$/);
    expect(attempts.length).toBeGreaterThanOrEqual(1);
    expect(attempts.length).toBeLessThanOrEqual(11);
  });

  it('stops in the middle of a long wait when aborted', async () => {
    const controller = new AbortController();
    const { attempts, work } = failing(Infinity);
    const retrying = retryWithBackoff(work, {
      backoff: () => 600_000,
      signal: controller.signal,
      onRetry: () => controller.abort(),
    });
    const error = await retrying.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryAbortedError);
    expect(attempts).toEqual([1]);
  });

  it('does not start when already aborted', async () => {
    const { attempts, work } = failing(0);
    await expect(retryWithBackoff(work, { backoff: () => 1, signal: AbortSignal.abort() })).rejects.toBeInstanceOf(RetryAbortedError);
    expect(attempts).toEqual([]);
  });
});
