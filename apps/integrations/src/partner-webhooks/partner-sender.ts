import { Agent } from 'undici';
import { Webhook } from 'standardwebhooks';
import { BlockedAddressError, type OutboundAddressGuard } from '@offramp/platform';
import type { Delivery, Partner } from './partner-tables.js';

export interface AttemptResult {
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  responseExcerpt: string | null;
  retryAfter?: string;
}

const EXCERPT_BYTES = 512;

/**
 * One signed POST of a delivery to its partner (Standard Webhooks: webhook-id is the event id, the
 * same on every attempt; one `v1,<base64>` signature per signing secret). Redirects are never
 * followed (a 3xx is a failed attempt), the resolved address passes the SSRF guard at connect
 * time, and only the first 512 bytes of the answer are read.
 */
export class PartnerSender {
  private readonly agent: Agent;

  constructor(
    guard: OutboundAddressGuard,
    private readonly timeoutMs: number,
  ) {
    this.agent = new Agent({
      connect: { lookup: guard.lookup, timeout: timeoutMs },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      keepAliveTimeout: 10_000,
    });
  }

  async send(partner: Partner, delivery: Delivery): Promise<AttemptResult> {
    const at = new Date();
    const signature = partner.secrets.map((secret) => new Webhook(secret).sign(delivery.eventId, at, delivery.body)).join(' ');
    const url = new URL(partner.url);
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const response = await this.agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'offramp-integrations',
          'webhook-id': delivery.eventId,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body: delivery.body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const excerpt = await readExcerpt(response.body);
      const retryAfter = response.headers['retry-after'];
      return {
        statusCode: response.statusCode,
        latencyMs: elapsed(),
        error: null,
        responseExcerpt: excerpt,
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
      };
    } catch (error) {
      return { statusCode: null, latencyMs: elapsed(), error: describe(error), responseExcerpt: null };
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

async function readExcerpt(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= EXCERPT_BYTES) {
      body.destroy();
      break;
    }
  }
  return size === 0 ? null : Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8');
}

function describe(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  if (error instanceof BlockedAddressError || cause instanceof BlockedAddressError) return `blocked: ${((cause ?? error) as Error).message}`.slice(0, 255);
  const code = (error as { code?: string }).code ?? (cause as { code?: string } | undefined)?.code;
  if ((error as Error).name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return 'timeout';
  return (code ? `${code}: ${(error as Error).message}` : (error as Error).message).slice(0, 255);
}
