import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import type { CallerIdentity, IdentityProvider } from '../identity/identity-provider.js';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';
import type { RouteSpec } from '../routes/route-spec.js';
import { RouteTable, type MatchedRoute } from '../routes/route-table.js';
import { chooseCanaryBackend, type BackendChoice } from '../canary/canary-choice.js';
import type { ShadowSink, CapturedResponse } from '../shadow/shadow-job.js';
import { clientHeaders, upstreamHeaders } from './hop-by-hop.js';
import { sendProblem } from './problem-response.js';
import { relayBody } from './relay-body.js';
import { BodyTooLargeError, hasBody, headerBytes, readBody, streamedBody } from './request-body.js';
import type { Upstream } from './upstream.js';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);
/** Bodies of idempotent requests up to this size are kept so the monolith can answer instead. */
const REPLAYABLE_BODY_BYTES = 1024 * 1024;
export const LEGACY_BACKEND = 'legacy';

export interface ProxySettings {
  routingHeaders: boolean;
  maxBodyBytes: number;
  maxHeaderBytes: number;
  defaultTimeoutMs: number;
  trustForwarded: boolean;
  testers: ReadonlySet<string>;
  shadowMaxBodyBytes: number;
}

export interface ProxyDependencies {
  legacy: Upstream;
  services: ReadonlyMap<string, Upstream>;
  identity: IdentityProvider;
  metrics: GatewayMetrics;
  shadow: ShadowSink;
}

interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  routeId: string;
  route?: RouteSpec;
  startedAt: number;
  /** Read at arrival: once a request body is consumed, Node may detach the socket from the request. */
  origin: string;
}

type Body = Buffer | IncomingMessage | NodeJS.ReadableStream | null;
type FailureReason = 'connect' | 'timeout' | 'status_5xx' | 'circuit_open';

/**
 * The proxy path: called from a raw Fastify route (no Nest pipeline), it matches the route table
 * and sends the request to the monolith or a slice according to the route's state.
 */
export class ProxyEngine {
  private table = RouteTable.from([]);

  constructor(
    private readonly settings: ProxySettings,
    private readonly deps: ProxyDependencies,
  ) {}

  get routes(): RouteTable {
    return this.table;
  }

  /** Swapped atomically: a request sees the old table or the new one, never half of each. */
  setRoutes(table: RouteTable): void {
    this.table = table;
  }

  async handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const match = this.table.match(req.method ?? 'GET', req.url ?? '/');
    const exchange: Exchange = { req, res, requestId, routeId: match?.id ?? 'unmatched', route: match?.route, startedAt: performance.now(), origin: publicOrigin(req, this.settings.trustForwarded) };
    try {
      if (headerBytes(req) > this.settings.maxHeaderBytes) {
        return this.refuse(exchange, 431, 'Request Header Fields Too Large', `the request head is larger than ${this.settings.maxHeaderBytes} bytes`);
      }
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > this.settings.maxBodyBytes) {
        return this.refuse(exchange, 413, 'Content Too Large', `the request body is larger than ${this.settings.maxBodyBytes} bytes`);
      }
      await this.dispatch(exchange, match);
    } catch (error) {
      this.failUnexpectedly(exchange, error as Error);
    }
  }

  private async dispatch(exchange: Exchange, match: MatchedRoute | undefined): Promise<void> {
    if (!match) return this.toLegacy(exchange);
    const { route, id } = match;
    switch (route.state) {
      case 'legacy':
        return this.toLegacy(exchange);
      case 'shadow':
        return this.shadow(exchange, route);
      case 'canary': {
        const caller = await this.deps.identity.resolve(exchange.req);
        const choice = chooseCanaryBackend(exchange.req, route, id, caller, this.settings.testers);
        return choice === 'service' ? this.toService(exchange, route, caller) : this.toLegacy(exchange);
      }
      case 'service':
        return this.toService(exchange, route, await this.deps.identity.resolve(exchange.req));
      case 'retired':
        return this.toService(exchange, { ...route, fallback: false }, await this.deps.identity.resolve(exchange.req));
    }
  }

  private async toLegacy(exchange: Exchange, body?: Body, capture?: (response: CapturedResponse) => void): Promise<void> {
    const { legacy } = this.deps;
    const requestBody = body !== undefined ? body : hasBody(exchange.req) ? streamedBody(exchange.req, this.settings.maxBodyBytes) : null;
    let response: Dispatcher.ResponseData;
    try {
      response = await this.send(legacy, exchange, requestBody);
    } catch (error) {
      return this.answerUpstreamError(exchange, LEGACY_BACKEND, error as Error);
    }
    await this.relay(exchange, legacy, LEGACY_BACKEND, response, capture);
  }

  private async toService(exchange: Exchange, route: RouteSpec, caller: CallerIdentity): Promise<void> {
    const upstream = route.service ? this.deps.services.get(route.service) : undefined;
    if (!upstream) {
      return this.refuse(exchange, 502, 'Bad Gateway', `route ${exchange.routeId} names service "${route.service ?? ''}", which GATEWAY_SERVICES does not define`);
    }
    const method = exchange.req.method ?? 'GET';
    let canFallback = route.fallback && IDEMPOTENT.has(method);
    let body: Body = null;
    if (hasBody(exchange.req)) {
      const declared = Number(exchange.req.headers['content-length'] ?? NaN);
      if (canFallback && declared <= REPLAYABLE_BODY_BYTES) body = await readBody(exchange.req, REPLAYABLE_BODY_BYTES);
      else {
        canFallback = false;
        body = streamedBody(exchange.req, this.settings.maxBodyBytes);
      }
    }
    if (!upstream.breaker.allow()) {
      if (canFallback) return this.fallback(exchange, body, 'circuit_open');
      return this.refuse(exchange, 503, 'Service Unavailable', `the circuit to ${upstream.name} is open after repeated failures`, { 'retry-after': '5' });
    }
    const token = caller.identity ? await this.deps.identity.token(caller.identity, { audience: upstream.name, csrfVerified: false }) : undefined;
    let response: Dispatcher.ResponseData;
    try {
      response = await this.send(upstream, exchange, body, token);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return this.answerUpstreamError(exchange, upstream.name, error);
      upstream.breaker.failure();
      if (canFallback) return this.fallback(exchange, body, isTimeout(error as Error) ? 'timeout' : 'connect');
      return this.answerUpstreamError(exchange, upstream.name, error as Error);
    }
    if (response.statusCode >= 500) {
      upstream.breaker.failure();
      if (canFallback) {
        response.body.dump().catch(() => undefined);
        return this.fallback(exchange, body, 'status_5xx');
      }
    } else upstream.breaker.success();
    await this.relay(exchange, upstream, upstream.name, response);
  }

  private fallback(exchange: Exchange, body: Body, reason: FailureReason): Promise<void> {
    this.deps.metrics.fallback(exchange.routeId, reason);
    return this.toLegacy(exchange, body);
  }

  /** The client gets the monolith's answer; a copy of the exchange goes to the shadow comparator afterwards. */
  private async shadow(exchange: Exchange, route: RouteSpec): Promise<void> {
    const method = exchange.req.method ?? 'GET';
    if (!route.shadow.methods.includes(method as never)) return this.toLegacy(exchange);
    let body: Buffer | undefined;
    if (hasBody(exchange.req)) {
      const declared = Number(exchange.req.headers['content-length'] ?? NaN);
      if (!(declared <= this.settings.shadowMaxBodyBytes)) return this.toLegacy(exchange);
      body = await readBody(exchange.req, this.settings.shadowMaxBodyBytes);
    }
    await this.toLegacy(exchange, body ?? null, (legacyResponse) => {
      this.deps.shadow.submit({
        routeId: exchange.routeId,
        route,
        method,
        url: exchange.req.url ?? '/',
        headers: { ...exchange.req.headers },
        body,
        requestId: exchange.requestId,
        legacy: legacyResponse,
        caller: () => this.deps.identity.resolve(exchange.req),
      });
    });
  }

  private send(upstream: Upstream, exchange: Exchange, body: Body, identityToken?: string): Promise<Dispatcher.ResponseData> {
    const timeout = exchange.route?.timeoutMs ?? this.settings.defaultTimeoutMs;
    return upstream.pool.request({
      method: exchange.req.method as Dispatcher.HttpMethod,
      path: exchange.req.url ?? '/',
      headers: upstreamHeaders(exchange.req, { requestId: exchange.requestId, identityToken, trustForwarded: this.settings.trustForwarded }),
      body: body as Dispatcher.RequestOptions['body'],
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
  }

  private async relay(
    exchange: Exchange,
    upstream: Upstream,
    backend: string,
    response: Dispatcher.ResponseData,
    capture?: (response: CapturedResponse) => void,
  ): Promise<void> {
    const { res } = exchange;
    const headers = clientHeaders(response.headers, {
      requestId: exchange.requestId,
      routeId: this.settings.routingHeaders ? exchange.routeId : undefined,
      backend: this.settings.routingHeaders ? backend : undefined,
      upstreamOrigin: upstream.origin,
      publicOrigin: exchange.origin,
    });
    res.writeHead(response.statusCode, headers);
    // Only a shadowed request keeps a copy of the body (the plain proxy path allocates nothing for it).
    const captured: Buffer[] | undefined = capture ? [] : undefined;
    let capturedBytes = 0;
    let truncated = false;
    const keep = captured
      ? (chunk: Buffer) => {
          if (capturedBytes + chunk.length > this.settings.shadowMaxBodyBytes) truncated = true;
          else {
            captured.push(chunk);
            capturedBytes += chunk.length;
          }
        }
      : undefined;
    if (!(await relayBody(response.body, res, keep))) {
      // The client went away or the upstream broke mid-body: the response is cut, nothing to answer.
      this.deps.metrics.observe(exchange.routeId, backend, 0, (performance.now() - exchange.startedAt) / 1_000);
      return;
    }
    this.deps.metrics.observe(exchange.routeId, backend, response.statusCode, (performance.now() - exchange.startedAt) / 1_000);
    if (captured) capture?.({ status: response.statusCode, headers: response.headers, body: Buffer.concat(captured, capturedBytes), truncated });
  }

  private answerUpstreamError(exchange: Exchange, backend: string, error: Error): void {
    if (error instanceof BodyTooLargeError) {
      return this.refuse(exchange, 413, 'Content Too Large', error.message, { connection: 'close' }, backend);
    }
    const timeout = isTimeout(error);
    const status = timeout ? 504 : 502;
    const detail = timeout ? `${backend} did not answer in time` : `${backend} could not be reached (${errorCode(error)})`;
    this.refuse(exchange, status, timeout ? 'Gateway Timeout' : 'Bad Gateway', detail, {}, backend);
  }

  private refuse(exchange: Exchange, status: number, title: string, detail: string, headers: Record<string, string> = {}, backend?: string): void {
    const extra: Record<string, string> = { 'x-request-id': exchange.requestId, ...headers };
    if (this.settings.routingHeaders) {
      extra['x-offramp-route'] = exchange.routeId;
      if (backend) extra['x-offramp-backend'] = backend;
    }
    // A body we did not read would otherwise be parsed as the next request on this connection.
    if (status === 413 || status === 431) extra['connection'] = 'close';
    sendProblem(exchange.res, status, title, detail, extra);
    this.deps.metrics.observe(exchange.routeId, backend ?? 'gateway', status, (performance.now() - exchange.startedAt) / 1_000);
  }

  private failUnexpectedly(exchange: Exchange, error: Error): void {
    if (error instanceof BodyTooLargeError) return this.answerUpstreamError(exchange, 'gateway', error);
    this.refuse(exchange, 502, 'Bad Gateway', `the gateway could not proxy this request: ${error.message}`);
  }
}

function isTimeout(error: Error): boolean {
  const code = errorCode(error);
  return code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'ETIMEDOUT';
}

function errorCode(error: Error): string {
  const withCode = error as Error & { code?: string; cause?: { code?: string } };
  return withCode.code ?? withCode.cause?.code ?? error.name;
}

function publicOrigin(req: IncomingMessage, trustForwarded: boolean): string {
  const forwardedProto = trustForwarded ? req.headers['x-forwarded-proto'] : undefined;
  const proto = typeof forwardedProto === 'string' ? forwardedProto : (req.socket as { encrypted?: boolean } | null)?.encrypted ? 'https' : 'http';
  return `${proto}://${req.headers.host ?? 'localhost'}`;
}

export type { BackendChoice };
