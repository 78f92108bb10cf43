import { CircuitBreaker, type BreakerState } from './circuit-breaker.js';

describe('CircuitBreaker', () => {
  it('opens after consecutive failures, lets one probe through after the cooldown, closes on success', () => {
    const states: BreakerState[] = [];
    const breaker = new CircuitBreaker(3, 1_000, (state) => states.push(state));
    breaker.failure(0);
    breaker.failure(0);
    expect(breaker.allow(0)).toBe(true);
    breaker.failure(0);
    expect(breaker.state).toBe('open');
    expect(breaker.allow(500)).toBe(false);
    expect(breaker.allow(1_000)).toBe(true); // the probe
    expect(breaker.allow(1_001)).toBe(false); // only one
    breaker.success();
    expect(breaker.state).toBe('closed');
    expect(states).toEqual(['open', 'half_open', 'closed']);
  });

  it('reopens when the probe fails, and a success resets the count', () => {
    const breaker = new CircuitBreaker(2, 100);
    breaker.failure(0);
    breaker.success();
    breaker.failure(0);
    expect(breaker.state).toBe('closed');
    breaker.failure(0);
    expect(breaker.allow(100)).toBe(true);
    breaker.failure(100);
    expect(breaker.state).toBe('open');
    expect(breaker.allow(150)).toBe(false);
  });
});
