/**
 * When to try a webhook delivery again, after the Standard Webhooks example schedule: at once,
 * then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after each failure (8 attempts in all). Each
 * wait gets ±`jitter` (a share, 0.1 by default) so that deliveries failed together do not retry
 * together; `timeScale` compresses the whole schedule (tests and benches: 0.001 makes 5 min 300 ms).
 */
export const STANDARD_WEBHOOKS_SCHEDULE_MS: readonly number[] = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

export interface DeliverySchedule {
  /** Attempts allowed in all. */
  readonly attempts: number;
  /** Milliseconds to wait before attempt `made + 1`, or undefined when `made` attempts were the last. */
  delayAfter(made: number, retryAfterMs?: number): number | undefined;
}

export function deliverySchedule(
  options: { scheduleMs?: readonly number[]; timeScale?: number; jitter?: number; random?: () => number } = {},
): DeliverySchedule {
  const schedule = options.scheduleMs ?? STANDARD_WEBHOOKS_SCHEDULE_MS;
  const scale = options.timeScale ?? 1;
  const jitter = options.jitter ?? 0.1;
  const random = options.random ?? Math.random;
  return {
    attempts: schedule.length,
    delayAfter(made, retryAfterMs) {
      if (made >= schedule.length) return undefined;
      const planned = schedule[made] * scale * (1 + jitter * (2 * random() - 1));
      // A Retry-After the endpoint sent is honoured when it asks for longer than the schedule.
      return Math.round(Math.max(planned, (retryAfterMs ?? 0) * scale));
    },
  };
}

/** `Retry-After` (delta seconds or an HTTP date) in milliseconds from now; undefined when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1_000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
