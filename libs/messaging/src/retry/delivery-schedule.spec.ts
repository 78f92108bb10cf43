import { deliverySchedule, retryAfterMs, STANDARD_WEBHOOKS_SCHEDULE_MS } from './delivery-schedule.js';

describe('delivery schedule (Standard Webhooks example)', () => {
  it('waits as the example says, with jitter within bounds, then gives up after 8 attempts', () => {
    const exact = deliverySchedule({ jitter: 0 });
    expect(Array.from({ length: 8 }, (_, made) => exact.delayAfter(made))).toEqual([...STANDARD_WEBHOOKS_SCHEDULE_MS]);
    expect(exact.delayAfter(8)).toBeUndefined();
    const high = deliverySchedule({ random: () => 1 });
    const low = deliverySchedule({ random: () => 0 });
    expect([low.delayAfter(1), high.delayAfter(1)]).toEqual([4_500, 5_500]);
  });

  it('compresses time by a scale and honours a longer Retry-After', () => {
    const fast = deliverySchedule({ timeScale: 0.001, jitter: 0 });
    expect(fast.delayAfter(2)).toBe(300);
    expect(fast.delayAfter(1, 60_000)).toBe(60);
    expect(fast.delayAfter(2, 1_000)).toBe(300);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('120')).toBe(120_000);
    expect(retryAfterMs(new Date(10_000 + 30_000).toUTCString(), 10_000)).toBe(30_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});
