/**
 * The one circuit breaker of the workspace: the gateway guards each upstream with it and the
 * integrations slice its carrier calls. It lives in platform (not a new lib) because it is a small,
 * dependency-free resilience primitive every service may need, like the config fields beside it.
 */
export type BreakerState = 'closed' | 'open' | 'half_open';

/**
 * Per upstream: after `failures` consecutive failures the circuit opens and requests skip the
 * upstream for `cooldownMs`; then one probe is let through, and its outcome closes or reopens it.
 */
export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openedAt = 0;
  private probeInFlight = false;
  state: BreakerState = 'closed';

  constructor(
    private readonly failures: number,
    private readonly cooldownMs: number,
    private readonly onChange: (state: BreakerState) => void = () => undefined,
  ) {}

  /** May a request go to the upstream now? */
  allow(now = Date.now()): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'open' && now - this.openedAt >= this.cooldownMs) this.transition('half_open');
    if (this.state === 'half_open' && !this.probeInFlight) {
      this.probeInFlight = true;
      return true;
    }
    return false;
  }

  success(): void {
    this.consecutiveFailures = 0;
    this.probeInFlight = false;
    if (this.state !== 'closed') this.transition('closed');
  }

  failure(now = Date.now()): void {
    this.probeInFlight = false;
    this.consecutiveFailures += 1;
    if (this.state === 'half_open' || (this.state === 'closed' && this.consecutiveFailures >= this.failures)) {
      this.openedAt = now;
      this.transition('open');
    }
  }

  private transition(state: BreakerState): void {
    this.state = state;
    this.onChange(state);
  }
}
