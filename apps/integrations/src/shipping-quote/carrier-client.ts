import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Pool } from 'undici';
import { CircuitBreaker, SERVICE_CONFIG } from '@offramp/platform';
import type { IntegrationsConfig } from '../integrations.config.js';
import { CarrierError } from './carrier-error.js';
import type { CarrierQuote } from './carrier-quote.js';

/**
 * The carrier's rate API without blocking a worker (the monolith's CarrierClient, blocking cURL):
 *   GET {CARRIER_BASE_URL}/rates?zip=<zip>&weight_grams=<g>
 * Each attempt has CARRIER_TIMEOUT_MS (connect and answer, as CURLOPT_TIMEOUT_MS); a connection
 * failure or a 5xx is tried again up to CARRIER_RETRIES times (a GET, safe to repeat), a timeout is
 * not (the caller already waited the whole budget). The workspace's one circuit breaker opens after
 * CARRIER_BREAKER_FAILURES failed quotes in a row: then quotes are answered "unavailable" at once,
 * until one probe after the cooldown gets through.
 */
@Injectable()
export class CarrierClient implements OnModuleDestroy {
  private readonly logger = new Logger('Carrier');
  private readonly base: URL;
  private readonly pool: Pool;
  readonly breaker: CircuitBreaker;

  constructor(@Inject(SERVICE_CONFIG) private readonly config: IntegrationsConfig) {
    this.base = new URL(config.CARRIER_BASE_URL);
    this.pool = new Pool(this.base.origin, { connections: config.CARRIER_CONNECTIONS, connectTimeout: config.CARRIER_TIMEOUT_MS, pipelining: 1 });
    this.breaker = new CircuitBreaker(config.CARRIER_BREAKER_FAILURES, config.CARRIER_BREAKER_COOLDOWN_MS, (state) =>
      this.logger.warn(`carrier circuit ${state}`),
    );
  }

  async rates(zip: string, weightGrams: number): Promise<CarrierQuote> {
    if (!this.breaker.allow()) throw new CarrierError('unavailable', 'Carrier unreachable: circuit open after repeated failures.');
    try {
      const quote = await this.withRetries(zip, weightGrams);
      this.breaker.success();
      return quote;
    } catch (error) {
      // An answer the carrier gave (a 4xx, a body it got wrong) says it is up; silence and 5xx do not.
      if (error instanceof CarrierError && !error.carrierFailed) this.breaker.success();
      else this.breaker.failure();
      throw error;
    }
  }

  private async withRetries(zip: string, weightGrams: number): Promise<CarrierQuote> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.attempt(zip, weightGrams);
      } catch (error) {
        if (!(error instanceof CarrierError && error.retryable) || attempt >= this.config.CARRIER_RETRIES) throw error;
      }
    }
  }

  private async attempt(zip: string, weightGrams: number): Promise<CarrierQuote> {
    const timeoutMs = this.config.CARRIER_TIMEOUT_MS;
    const path = `${this.base.pathname.replace(/\/+$/, '')}/rates?${new URLSearchParams({ zip, weight_grams: String(weightGrams) })}`;
    const signal = AbortSignal.timeout(timeoutMs);
    const started = performance.now();
    let status: number;
    let text: string;
    try {
      const response = await this.pool.request({ method: 'GET', path, headers: { accept: 'application/json' }, signal });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      if (signal.aborted) throw new CarrierError('timeout', `Carrier did not answer within ${timeoutMs} ms.`);
      throw new CarrierError('unavailable', `Carrier unreachable: ${this.curlWords(error, Math.round(performance.now() - started))}`);
    }
    if (status < 200 || status >= 300) throw CarrierError.status(status);
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
    const rates = typeof data === 'object' && data !== null ? (data as { rates?: unknown }).rates : undefined;
    if (typeof rates !== 'object' || rates === null) throw new CarrierError('bad_response', 'Carrier answered an unexpected body.');
    return data as CarrierQuote;
  }

  /** The words cURL 7.88 uses for the same failure (the shadow compare ignores this message). */
  private curlWords(error: unknown, elapsedMs: number): string {
    const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
    if (code === 'ECONNREFUSED') return `Failed to connect to ${this.base.hostname} port ${this.port()} after ${elapsedMs} ms: Couldn't connect to server`;
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `Could not resolve host: ${this.base.hostname}`;
    if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'Recv failure: Connection reset by peer';
    return (error as Error).message;
  }

  private port(): string {
    return this.base.port || (this.base.protocol === 'https:' ? '443' : '80');
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.close();
  }
}
