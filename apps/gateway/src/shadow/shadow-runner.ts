import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { canDefer, DEFER_HEADER } from '@offramp/contracts/http';
import { IDENTITY_HEADER } from '@offramp/platform';
import type { IdentityProvider } from '../identity/identity-provider.js';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';
import type { Upstream } from '../proxy/upstream.js';
import type { RouteSpec } from '../routes/route-spec.js';
import { compareResponses, learnNoise, type ComparableResponse } from './compare-responses.js';
import type { MismatchStore } from './mismatch-store.js';
import { SampleRedactor } from './redact.js';
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
  /** One redactor per route's shadow settings (a changed route brings new settings, hence a new one). */
  private readonly redactors = new WeakMap<object, SampleRedactor>();

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
    // In service the monolith would answer this one too: nothing of the slice's to compare, and no sample for promotion.
    if (answer.headers[DEFER_HEADER] !== undefined && canDefer(job.method)) return this.options.metrics.shadowResult(job.routeId, 'deferred');
    const differences = compareResponses(job.legacy, answer, { headers: job.route.shadow.headers, ignore: job.route.shadow.ignore, noise: noise.keys });
    const rate = this.options.stats.record(job.routeId, {
      match: differences.length === 0,
      status: job.legacy.status,
      authenticated: caller.identity !== undefined,
    });
    this.options.metrics.shadowResult(job.routeId, differences.length === 0 ? 'match' : 'mismatch', rate.rate ?? undefined);
    if (differences.length === 0) return;
    // Nothing of the exchange is stored before it went through the redactor.
    const redact = this.redactor(job.route.shadow);
    await this.options.mismatches.record({
      routeId: job.routeId,
      at: new Date().toISOString(),
      requestId: job.requestId,
      method: job.method,
      url: redact.url(job.url),
      request: { headers: redact.headers(job.headers) },
      differences: differences.slice(0, 20).map((difference) => redact.difference(difference)),
      legacy: {
        status: job.legacy.status,
        headers: redact.headers(job.legacy.headers),
        body: redact.body(job.legacy.body, job.legacy.headers['content-type'], job.legacy.truncated),
      },
      service: {
        status: answer.status,
        headers: redact.headers(answer.headers),
        body: redact.body(answer.body, answer.headers['content-type'], answer.truncated),
      },
    });
  }

  private redactor(settings: RouteSpec['shadow']): SampleRedactor {
    let redactor = this.redactors.get(settings);
    if (!redactor) {
      redactor = new SampleRedactor(settings.redact);
      this.redactors.set(settings, redactor);
    }
    return redactor;
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
      // Once over the limit nothing more is kept: a later, smaller chunk would leave a gap in the body.
      if (truncated || size + (chunk as Buffer).length > this.options.maxBodyBytes) {
        truncated = true;
        continue;
      }
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    return { status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks, size), truncated };
  }
}
