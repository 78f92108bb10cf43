import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { IDENTITY_HEADER } from '@offramp/platform';
import type { IdentityProvider } from '../identity/identity-provider.js';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';
import type { Upstream } from '../proxy/upstream.js';
import { compareResponses, learnNoise, type ComparableResponse } from './compare-responses.js';
import type { MismatchStore } from './mismatch-store.js';
import { isSecretPath, redactBody, redactHeaders, redactJson } from './redact.js';
import type { ShadowStats } from './shadow-stats.js';
import type { ShadowJob, ShadowSink } from './shadow-job.js';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const DROPPED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect', 'content-length', IDENTITY_HEADER]);
/** Noise is learned on every one of a route's first requests, then on a sample. */
const ALWAYS_LEARN_FIRST = 5;

export interface ShadowRunnerOptions {
  concurrency: number;
  maxBodyBytes: number;
  legacy: Upstream;
  services: ReadonlyMap<string, Upstream>;
  identity: IdentityProvider;
  metrics: GatewayMetrics;
  stats: ShadowStats;
  mismatches: MismatchStore;
  onError?: (error: Error) => void;
}

/**
 * Replays exchanges the client already got to the slice, off the request path and bounded in
 * concurrency (beyond it a copy is skipped, counted, never queued without bound), and compares.
 */
export class ShadowRunner implements ShadowSink {
  private inFlight = 0;
  private readonly noise = new Map<string, { samples: number; keys: Set<string> }>();

  constructor(private readonly options: ShadowRunnerOptions) {}

  submit(job: ShadowJob): void {
    if (this.inFlight >= this.options.concurrency) {
      this.options.metrics.shadowResult(job.routeId, 'skipped');
      return;
    }
    this.inFlight += 1;
    this.run(job)
      .catch((error: Error) => {
        this.options.metrics.shadowResult(job.routeId, 'error');
        this.options.onError?.(error);
      })
      .finally(() => (this.inFlight -= 1));
  }

  /** What was learned as noise per route (for the admin API). */
  learnedNoise(routeId: string): string[] {
    return [...(this.noise.get(routeId)?.keys ?? [])].sort();
  }

  forget(routeId: string): void {
    this.noise.delete(routeId);
  }

  private async run(job: ShadowJob): Promise<void> {
    const service = job.route.service ? this.options.services.get(job.route.service) : undefined;
    if (!service) throw new Error(`route ${job.routeId} is in shadow without a known service ("${job.route.service ?? ''}")`);
    const noise = this.noise.get(job.routeId) ?? { samples: 0, keys: new Set<string>() };
    this.noise.set(job.routeId, noise);
    // Only safe requests are asked twice: repeating a write would apply it twice.
    if (SAFE.has(job.method) && (noise.samples < ALWAYS_LEARN_FIRST || Math.random() < job.route.shadow.noiseSampleRate)) {
      const second = await this.fetch(this.options.legacy, job);
      noise.samples += 1;
      for (const key of learnNoise(job.legacy, second, job.route.shadow.headers)) noise.keys.add(key);
    }
    const caller = await job.caller();
    const token = caller.identity ? await this.options.identity.token(caller.identity, { audience: service.name, csrfVerified: false }) : undefined;
    const answer = await this.fetch(service, job, token);
    const differences = compareResponses(job.legacy, answer, { headers: job.route.shadow.headers, ignore: job.route.shadow.ignore, noise: noise.keys });
    const rate = this.options.stats.record(job.routeId, differences.length === 0);
    this.options.metrics.shadowResult(job.routeId, differences.length === 0 ? 'match' : 'mismatch', rate.rate ?? undefined);
    if (differences.length === 0) return;
    await this.options.mismatches.record({
      routeId: job.routeId,
      at: new Date().toISOString(),
      requestId: job.requestId,
      method: job.method,
      url: job.url,
      request: { headers: redactHeaders(job.headers) },
      differences: differences.slice(0, 20).map((difference) =>
        isSecretPath(difference.key)
          ? { key: difference.key, legacy: '[redacted]', service: '[redacted]' }
          : { key: difference.key, legacy: sample(redactJson(difference.legacy)), service: sample(redactJson(difference.service)) },
      ),
      legacy: { status: job.legacy.status, headers: redactHeaders(job.legacy.headers), body: redactBody(job.legacy.body, job.legacy.headers['content-type']) },
      service: { status: answer.status, headers: redactHeaders(answer.headers), body: redactBody(answer.body, answer.headers['content-type']) },
    });
  }

  private async fetch(upstream: Upstream, job: ShadowJob, identityToken?: string): Promise<ComparableResponse> {
    const headers: Record<string, string | string[]> = { 'x-offramp-shadow': '1', 'x-request-id': job.requestId };
    for (const [name, value] of Object.entries(job.headers as IncomingHttpHeaders)) {
      if (!DROPPED.has(name) && value !== undefined) headers[name] = value;
    }
    if (identityToken) headers[IDENTITY_HEADER] = identityToken;
    const timeout = job.route.timeoutMs ?? 30_000;
    const response = await upstream.pool.request({
      method: job.method as Dispatcher.HttpMethod,
      path: job.url,
      headers,
      body: job.body ?? null,
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    for await (const chunk of response.body) {
      if (size + (chunk as Buffer).length > this.options.maxBodyBytes) {
        truncated = true;
        continue;
      }
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    return { status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks, size), truncated };
  }
}

function sample(value: unknown): unknown {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text !== undefined && text.length > 256 ? `${text.slice(0, 256)}…` : value;
}
