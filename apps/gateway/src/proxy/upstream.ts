import { Client, type Dispatcher, Pool } from 'undici';
import { CircuitBreaker, type BreakerState } from '@offramp/platform';

export interface UpstreamOptions {
  connections: number;
  breakerFailures: number;
  breakerCooldownMs: number;
  onBreakerChange?: (name: string, state: BreakerState) => void;
}

/** One backend (the monolith or a slice): a keep-alive pool and its circuit breaker. */
export class Upstream {
  readonly pool: Pool;
  readonly origin: string;
  readonly breaker: CircuitBreaker;

  constructor(
    readonly name: string,
    url: string,
    options: UpstreamOptions,
  ) {
    this.origin = new URL(url).origin;
    this.pool = new Pool(this.origin, {
      connections: options.connections,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
      connect: { timeout: 5_000 },
    });
    this.breaker = new CircuitBreaker(options.breakerFailures, options.breakerCooldownMs, (state) => options.onBreakerChange?.(name, state));
  }

  /**
   * A request on a connection of its own, closed once the response body ends: for a retry, which
   * must not land on another pooled connection the upstream is closing as well.
   */
  async requestOnFreshConnection(options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> {
    const client = new Client(this.origin, { pipelining: 1, connect: { timeout: 5_000 } });
    try {
      const response = await client.request(options);
      response.body.once('close', () => void client.close().catch(() => undefined));
      return response;
    } catch (error) {
      void client.destroy().catch(() => undefined);
      throw error;
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
