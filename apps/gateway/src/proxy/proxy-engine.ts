import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { canDefer, DEFER_HEADER } from '@offramp/contracts/http';
import { endHttpServerSpan, injectTraceHeaders, startHttpServerSpan, type HttpServerSpan } from '@offramp/platform';
import type { CsrfGuard } from '../csrf/csrf-guard.js';
import { CsrfSessionUnavailableError } from '../csrf/csrf-session-source.js';
import type { CallerIdentity, IdentityProvider } from '../identity/identity-provider.js';
import type { SessionEviction } from '../identity/session-eviction.js';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';
import { canonicalPath, PATH_PROBLEMS, type CanonicalPath, type PathProblem } from '../paths/canonical-path.js';
import { bodyOverride, headOverride, readOverride } from '../paths/method-override.js';
import { HTTP_METHODS, type RouteSpec } from '../routes/route-spec.js';
import { RouteTable, type MatchedRoute, type ResolvedRoute } from '../routes/route-table.js';
import { chooseCanaryBackend, type BackendChoice } from '../canary/canary-choice.js';
import type { ShadowSink, CapturedResponse } from '../shadow/shadow-job.js';
import { clientHeaders, upstreamHeaders, type Peer } from './hop-by-hop.js';
import { sendProblem } from './problem-response.js';
import { relayBody } from './relay-body.js';
import type { ReplayBudget } from './replay-budget.js';
import { BodyTooLargeError, hasBody, headerBytes, holdBodyHead, readBody, streamedBody, watchBodyIdle, type HeldBody } from './request-body.js';
import type { TrustedProxies } from './trusted-proxies.js';
import type { Upstream } from './upstream.js';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);
/** No connection was made: the upstream cannot have received a byte, whatever the method. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN']);
/**
 * The connection closed under the request before an answer (a pooled keep-alive connection the
 * upstream was closing, as a slice does when it drains): retried for idempotent methods, as nginx's
 * proxy_next_upstream and Envoy's reset retry do; another method may have been received.
 */
const CLOSED_UNDER_REQUEST = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
/** Waits before the retries (the first at once, on a fresh connection), within GATEWAY_RETRY_BUDGET_MS. */
const RETRY_WAITS_MS = [0, 50, 100, 200, 400, 800, 1_000];
/** Bodies of idempotent requests up to this size are kept so the monolith can answer instead. */
const REPLAYABLE_BODY_BYTES = 1024 * 1024;
export const LEGACY_BACKEND = 'legacy';

export interface ProxySettings {
  routingHeaders: boolean;
  /** The edge's cap on any body, whatever a route says. */
  maxBodyBytes: number;
  /** A route's body limit unless it sets `maxBodyBytes` (the monolith's post_max_size by default). */
  routeMaxBodyBytes: number;
  maxHeaderBytes: number;
  /** Longest request target (414 above). */
  maxUrlBytes: number;
  defaultTimeoutMs: number;
  testers: ReadonlySet<string>;
  shadowMaxBodyBytes: number;
  bodyIdleTimeoutMs: number;
  /** Body bytes read before an upstream connection is taken (0: none). */
  bodyBufferBytes: number;
  /** Largest body read whole to find a field the monolith reads (`_method`, `_token`). */
  inspectBodyBytes: number;
  /** How long a request the upstream never received is retried on fresh connections (0: never). */
  retryBudgetMs: number;
}

export interface ProxyDependencies {
  legacy: Upstream;
  services: ReadonlyMap<string, Upstream>;
  identity: IdentityProvider;
  metrics: GatewayMetrics;
  shadow: ShadowSink;
  trustedProxies: TrustedProxies;
  replay: ReplayBudget;
  /** Laravel's CSRF check for unsafe requests a slice may answer (csrf/csrf-guard.ts). */
  csrf: CsrfGuard;
  /** Drops cached identities when a relayed response ends or replaces the caller's session. */
  sessions: SessionEviction;
}

/** What a request is, once read the way the monolith reads it: shared by plain requests and upgrades. */
export interface RoutedRequest {
  req: IncomingMessage;
  requestId: string;
  routeId: string;
  match?: MatchedRoute;
  /** The method the monolith will run (a POST's `_method` / X-HTTP-Method-Override applied): what routes and what a slice receives. */
  method: string;
  /** The canonical path, without the query. */
  path: string;
  /** Canonical path and the client's query: what a slice receives. The monolith gets the URL as sent. */
  servicePath: string;
  peer: Peer;
  /** The gateway's server span (tracing on): upstream requests and shadow copies carry its context. */
  trace?: HttpServerSpan;
}

/** Where a request goes, chosen once by the route's state (and, in canary, the caller). */
export type Target =
  | { to: 'legacy' }
  | { to: 'shadow'; route: RouteSpec }
  | { to: 'service'; route: RouteSpec; caller: CallerIdentity; upstream: Upstream | undefined; fallback: boolean };

interface Exchange extends RoutedRequest {
  res: ServerResponse;
  route?: RouteSpec;
  startedAt: number;
  /** Read at arrival: once a request body is consumed, Node may detach the socket from the request. */
  origin: string;
  /** Set once the gateway checked the monolith's CSRF token for this request (the identity token says so). */
  csrfVerified: boolean;
  /** The body, when the CSRF check read it (the request itself is then consumed): sent on instead. */
  body?: Buffer | AsyncIterable<Buffer>;
}

type Body = Buffer | IncomingMessage | NodeJS.ReadableStream | AsyncIterable<Buffer> | null;
/** Why the monolith answered a service route: the slice failed, or (deferred) the slice said the monolith must answer. */
type FallbackReason = 'connect' | 'timeout' | 'status_5xx' | 'circuit_open' | 'deferred';

export class PathRefusedError extends Error {
  constructor(readonly problem: PathProblem) {
    super(PATH_PROBLEMS[problem]);
  }
}

/**
 * The proxy path: called from the public listener (no Nest pipeline), it reads the path as the
 * monolith will, matches the route table and sends the request to the monolith or a slice
 * according to the route's state.
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

  /** Reads the path once, as the monolith's router will, and finds its route; throws PathRefusedError for an ambiguous path. */
  route(req: IncomingMessage, requestId: string, method = req.method ?? 'GET'): RoutedRequest {
    const url = req.url ?? '/';
    let canonical = canonicalPath(url);
    const match = this.matchFor(method, url, canonical, req.headers.host, false);
    if (match && !canonical.ok) canonical = canonicalPath(url, { allowEncodedSlash: true });
    if (!canonical.ok) throw new PathRefusedError(canonical.problem);
    return {
      req,
      requestId,
      routeId: match?.id ?? 'unmatched',
      match,
      method,
      path: canonical.path,
      servicePath: canonical.path + canonical.query,
      peer: peerOf(req, this.deps.trustedProxies),
    };
  }

  /**
   * The route a request would match, read as the public listener reads it, with the parameters
   * (the admin API's resolve): throws PathRefusedError for a path the listener refuses.
   */
  resolve(method: string, url: string, host?: string): { path: string; route?: ResolvedRoute } {
    let canonical = canonicalPath(url);
    const route = this.matchFor(method, url, canonical, host, true) as ResolvedRoute | undefined;
    if (route && !canonical.ok) canonical = canonicalPath(url, { allowEncodedSlash: true });
    if (!canonical.ok) throw new PathRefusedError(canonical.problem);
    return { path: canonical.path, route };
  }

  /** The route of a read path; a path refused for an encoded slash only by a route that takes one (encodedSlashes). */
  private matchFor(method: string, url: string, canonical: CanonicalPath, host: string | undefined, withParams: boolean): MatchedRoute | undefined {
    if (canonical.ok) return this.find(method, canonical.path, host, withParams);
    if (canonical.problem !== 'encoded-slash') return undefined;
    const lenient = canonicalPath(url, { allowEncodedSlash: true });
    const match = lenient.ok ? this.find(method, lenient.path, host, withParams) : undefined;
    return match?.route.encodedSlashes ? match : undefined;
  }

  private find(method: string, path: string, host: string | undefined, withParams: boolean): MatchedRoute | undefined {
    return withParams ? this.table.resolve(method, path, host) : this.table.match(method, path, host);
  }

  /** The backend by the route's state; the caller is resolved only where it decides (canary) or is forwarded (slices). */
  async target(routed: RoutedRequest): Promise<Target> {
    const { match } = routed;
    if (!match) return { to: 'legacy' };
    const { route, id } = match;
    switch (route.state) {
      case 'legacy':
        return { to: 'legacy' };
      case 'shadow':
        return { to: 'shadow', route };
      case 'canary': {
        const caller = await this.deps.identity.resolve(routed.req);
        const choice = chooseCanaryBackend(routed.req, route, id, caller, this.settings.testers);
        return choice === 'service' ? this.serviceTarget(route, caller, route.fallback) : { to: 'legacy' };
      }
      case 'service':
        return this.serviceTarget(route, await this.deps.identity.resolve(routed.req), route.fallback);
      case 'retired':
        return this.serviceTarget(route, await this.deps.identity.resolve(routed.req), false);
    }
  }

  /** The headers for an upstream request: one builder for plain requests, upgrades and shadow copies. */
  headersFor(routed: RoutedRequest, identityToken?: string): Record<string, string | string[]> {
    const headers = upstreamHeaders(routed.req.headers, routed.peer, { requestId: routed.requestId, identityToken });
    if (routed.trace) injectTraceHeaders(routed.trace.context, headers);
    return headers;
  }

  /** The signed identity for a slice, valid only at that slice. */
  async tokenFor(caller: CallerIdentity, route: RouteSpec, csrfVerified: boolean): Promise<string | undefined> {
    return caller.identity && route.service ? this.deps.identity.token(caller.identity, { audience: route.service, csrfVerified }) : undefined;
  }

  async handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const startedAt = performance.now();
    let routed: RoutedRequest;
    try {
      routed = this.route(req, requestId);
    } catch (error) {
      if (!(error instanceof PathRefusedError)) throw error;
      return this.refuse(this.unrouted(req, res, requestId, startedAt), 400, 'Bad Request', error.message);
    }
    const exchange: Exchange = {
      ...routed,
      res,
      route: routed.match?.route,
      startedAt,
      origin: publicOrigin(req, routed.peer),
      csrfVerified: false,
      // Undefined, at the cost of one field read, while tracing is off.
      trace: startHttpServerSpan(req.headers, routed.method),
    };
    const stopWatching = hasBody(req) ? watchBodyIdle(req, this.settings.bodyIdleTimeoutMs, () => this.bodyStalled(exchange)) : undefined;
    try {
      // One size policy, checked before any upstream is chosen: nothing of a refused request goes anywhere.
      if ((req.url ?? '').length > this.settings.maxUrlBytes) {
        return this.refuse(exchange, 414, 'URI Too Long', `the request target is longer than ${this.settings.maxUrlBytes} bytes`);
      }
      if (headerBytes(req) > this.settings.maxHeaderBytes) {
        return this.refuse(exchange, 431, 'Request Header Fields Too Large', `the request head is larger than ${this.settings.maxHeaderBytes} bytes`);
      }
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > this.bodyLimit(exchange)) return this.refuseBody(exchange);
      if (req.method === 'POST' && this.overrideMatters(routed.path, req.headers.host)) {
        const overridden = await this.applyMethodOverride(exchange);
        if (!overridden) return;
        Object.assign(exchange, overridden, { route: overridden.match?.route });
        // The route the overridden method runs may take less.
        if (declared > this.bodyLimit(exchange)) return this.refuseBody(exchange);
      }
      await this.dispatch(exchange);
    } catch (error) {
      this.failUnexpectedly(exchange, error as Error);
    } finally {
      stopWatching?.();
      if (exchange.trace) endHttpServerSpan(exchange.trace, res.statusCode, undefined, `gateway ${exchange.routeId}`);
    }
  }

  /** The route's body limit (its own, else the default), never above the edge's cap. */
  private bodyLimit(exchange: Exchange): number {
    return Math.min(exchange.route?.maxBodyBytes ?? this.settings.routeMaxBodyBytes, this.settings.maxBodyBytes);
  }

  private refuseBody(exchange: Exchange): void {
    const limit = this.bodyLimit(exchange);
    this.refuse(exchange, 413, 'Content Too Large', `the request body is larger than ${limit} bytes, the limit of route ${exchange.routeId}`);
  }

  /**
   * Whether a POST's method override could send it elsewhere: only where some method of this path
   * has left the monolith. Elsewhere every method goes to the monolith, which reads the override itself.
   */
  private overrideMatters(path: string, host: string | undefined): boolean {
    for (const method of HTTP_METHODS) {
      const state = this.table.match(method, path, host)?.route.state;
      if (state !== undefined && state !== 'legacy') return true;
    }
    return false;
  }

  /** The request routed again by the method the monolith will run; undefined when it was answered (400, 413). */
  private async applyMethodOverride(exchange: Exchange): Promise<RoutedRequest | undefined> {
    const { req, res } = exchange;
    const head = headOverride(req);
    let value = head.value;
    if (head.needsBody) {
      let body: Buffer = Buffer.alloc(0);
      if (hasBody(req)) {
        const declared = Number(req.headers['content-length'] ?? NaN);
        const limit = this.settings.inspectBodyBytes;
        const held = declared > limit ? undefined : await holdBodyHead(streamedBody(req, this.bodyLimit(exchange)), limit + 1, this.deps.replay);
        if (held) res.once('close', held.release);
        if (!held || !Buffer.isBuffer(held.body)) {
          this.refuse(
            exchange,
            413,
            'Content Too Large',
            `a POST to ${exchange.path}, where other methods have moved, is read for its _method field: it must be at most ${limit} bytes`,
          );
          return undefined;
        }
        body = held.body;
        exchange.body = body;
      }
      value = bodyOverride(req, body);
    }
    const reading = readOverride(value);
    if ('invalid' in reading) {
      this.refuse(exchange, 400, 'Bad Request', `invalid method override "${reading.invalid.slice(0, 32)}"`);
      return undefined;
    }
    return reading.method === 'POST' ? exchange : this.route(req, exchange.requestId, reading.method);
  }

  private async dispatch(exchange: Exchange): Promise<void> {
    // Before anything else, as in Laravel: no canary choice, no session lookup for a forged request.
    if (this.deps.csrf.applies(exchange.method, exchange.route) && !(await this.checkCsrf(exchange))) return;
    const target = await this.target(exchange);
    switch (target.to) {
      case 'legacy':
        return this.toLegacy(exchange);
      case 'shadow':
        return this.shadow(exchange, target.route);
      case 'service':
        return this.toService(exchange, target);
    }
  }

  /** True when the token matched; otherwise the client got Laravel's 419 (or 503: session store unreadable). */
  private async checkCsrf(exchange: Exchange): Promise<boolean> {
    let verdict;
    try {
      verdict = await this.deps.csrf.verify(exchange.req, exchange.res, Buffer.isBuffer(exchange.body) ? exchange.body : undefined);
    } catch (error) {
      if (!(error instanceof CsrfSessionUnavailableError)) throw error;
      this.refuse(exchange, 503, 'Service Unavailable', error.message, { 'retry-after': '1' });
      return false;
    }
    exchange.body = verdict.body;
    if (verdict.verified) return (exchange.csrfVerified = true);
    const headers: Record<string, string> = { 'x-request-id': exchange.requestId };
    if (this.settings.routingHeaders) Object.assign(headers, { 'x-offramp-route': exchange.routeId, 'x-offramp-backend': 'gateway' });
    // A body not read to its end would otherwise be parsed as the next request on this connection.
    if (hasBody(exchange.req) && !Buffer.isBuffer(verdict.body)) headers['connection'] = 'close';
    this.deps.csrf.refuse(exchange.req, exchange.res, headers);
    this.deps.metrics.observe(exchange.routeId, 'gateway', 419, (performance.now() - exchange.startedAt) / 1_000);
    return false;
  }

  private serviceTarget(route: RouteSpec, caller: CallerIdentity, fallback: boolean): Target {
    return { to: 'service', route, caller, upstream: route.service ? this.deps.services.get(route.service) : undefined, fallback };
  }

  private async toLegacy(exchange: Exchange, body?: Body, capture?: (response: CapturedResponse) => void): Promise<void> {
    const { legacy } = this.deps;
    const held = body === undefined && exchange.body === undefined && hasBody(exchange.req) ? await this.holdBody(exchange) : undefined;
    try {
      let response: Dispatcher.ResponseData;
      try {
        response = await this.sendRetrying(legacy, exchange, exchange.req.url ?? '/', held ? held.body : (body ?? exchange.body ?? null));
      } catch (error) {
        return this.answerUpstreamError(exchange, LEGACY_BACKEND, error as Error);
      }
      await this.relay(exchange, legacy, LEGACY_BACKEND, response, capture);
    } finally {
      held?.release();
    }
  }

  /** The body to stream upstream, its first bytes read before any upstream connection is taken. */
  private holdBody(exchange: Exchange): Promise<HeldBody> {
    // A chunked body is counted as it flows and cut at the route's limit.
    const body = streamedBody(exchange.req, this.bodyLimit(exchange));
    if (this.settings.bodyBufferBytes === 0) return Promise.resolve({ body: body as AsyncIterable<Buffer>, release: () => undefined });
    return holdBodyHead(body, this.settings.bodyBufferBytes, this.deps.replay);
  }

  private async toService(exchange: Exchange, target: Extract<Target, { to: 'service' }>): Promise<void> {
    const { route, caller, upstream } = target;
    if (!upstream) {
      return this.refuse(
        exchange,
        502,
        'Bad Gateway',
        `route ${exchange.routeId} names service "${route.service ?? ''}", which GATEWAY_SERVICES does not define`,
      );
    }
    let canFallback = target.fallback && IDEMPOTENT.has(exchange.method);
    let body: Body = null;
    let reserved = 0;
    let held: HeldBody | undefined;
    try {
      if (exchange.body !== undefined) {
        // Read by the CSRF check: a whole body can be replayed, a partly read one cannot.
        body = exchange.body;
        if (!Buffer.isBuffer(body)) canFallback = false;
      } else if (hasBody(exchange.req)) {
        const declared = Number(exchange.req.headers['content-length'] ?? NaN);
        if (canFallback && declared <= REPLAYABLE_BODY_BYTES && this.deps.replay.tryReserve(declared)) {
          reserved = declared;
          body = await readBody(exchange.req, REPLAYABLE_BODY_BYTES);
        } else {
          canFallback = false;
          held = await this.holdBody(exchange);
          body = held.body;
        }
      }
      if (!upstream.breaker.allow()) {
        if (canFallback) return await this.fallback(exchange, body, 'circuit_open');
        return this.refuse(exchange, 503, 'Service Unavailable', `the circuit to ${upstream.name} is open after repeated failures`, { 'retry-after': '5' });
      }
      const token = await this.tokenFor(caller, route, exchange.csrfVerified);
      let response: Dispatcher.ResponseData;
      try {
        // With a fallback the monolith is the next upstream: no waiting for the slice to come back.
        response = await this.sendRetrying(upstream, exchange, exchange.servicePath, body, token, exchange.method, canFallback ? 0 : undefined);
      } catch (error) {
        if (error instanceof BodyTooLargeError) return this.answerUpstreamError(exchange, upstream.name, error);
        if (clientGone(exchange)) {
          // The client's doing, not the upstream's: not counted, beyond ending a half-open probe.
          if (upstream.breaker.state === 'half_open') upstream.breaker.failure();
          return this.answerUpstreamError(exchange, upstream.name, error as Error);
        }
        upstream.breaker.failure();
        if (canFallback) return await this.fallback(exchange, body, isTimeout(error as Error) ? 'timeout' : 'connect');
        return this.answerUpstreamError(exchange, upstream.name, error as Error);
      }
      if (response.headers[DEFER_HEADER] !== undefined && response.statusCode < 500 && this.canDefer(exchange, target, body)) {
        upstream.breaker.success();
        response.body.dump().catch(() => undefined);
        return await this.fallback(exchange, body, 'deferred');
      }
      if (response.statusCode >= 500) {
        upstream.breaker.failure();
        if (canFallback) {
          response.body.dump().catch(() => undefined);
          return await this.fallback(exchange, body, 'status_5xx');
        }
      } else upstream.breaker.success();
      await this.relay(exchange, upstream, upstream.name, response);
    } finally {
      if (reserved > 0) this.deps.replay.release(reserved);
      held?.release();
    }
  }

  /**
   * The slice marked its answer deferrable (DEFER_HEADER): the monolith answers instead for GET and
   * HEAD, whose body is still whole, on a route the monolith still serves. Elsewhere the slice's own
   * answer is relayed (the mark is dropped with the hop-by-hop headers): replaying another method
   * could run it twice, and a retired route has no monolith behind it.
   */
  private canDefer(exchange: Exchange, target: Extract<Target, { to: 'service' }>, body: Body): boolean {
    return target.route.state !== 'retired' && canDefer(exchange.method) && canDefer(exchange.req.method) && (body === null || Buffer.isBuffer(body));
  }

  private fallback(exchange: Exchange, body: Body, reason: FallbackReason): Promise<void> {
    this.deps.metrics.fallback(exchange.routeId, reason);
    return this.toLegacy(exchange, body);
  }

  /** The client gets the monolith's answer; a copy of the exchange goes to the shadow comparator afterwards. */
  private async shadow(exchange: Exchange, route: RouteSpec): Promise<void> {
    const method = exchange.method;
    // Math.random() is below 1: a rate of 1 copies every request, 0 none.
    if (!route.shadow.methods.includes(method as never) || Math.random() >= route.shadow.sampleRate) return this.toLegacy(exchange);
    let body: Buffer | undefined;
    let reserved = 0;
    try {
      if (hasBody(exchange.req)) {
        const declared = Number(exchange.req.headers['content-length'] ?? NaN);
        if (!(declared <= this.settings.shadowMaxBodyBytes) || !this.deps.replay.tryReserve(declared)) return await this.toLegacy(exchange);
        reserved = declared;
        body = await readBody(exchange.req, this.settings.shadowMaxBodyBytes);
      }
      // The copy carries the headers the monolith got, so a slice sees the same forwarding fields.
      const headers = this.headersFor(exchange);
      await this.toLegacy(exchange, body ?? null, (legacyResponse) => {
        this.deps.shadow.submit({
          routeId: exchange.routeId,
          route,
          method,
          url: exchange.servicePath,
          headers,
          body,
          requestId: exchange.requestId,
          legacy: legacyResponse,
          caller: () => this.deps.identity.resolve(exchange.req),
        });
      });
    } finally {
      if (reserved > 0) this.deps.replay.release(reserved);
    }
  }

  /**
   * `send`, and again on a fresh connection while the upstream provably never received the request
   * (no connection made; or, for an idempotent method, the connection closed before any answer)
   * and its body can be sent again, within GATEWAY_RETRY_BUDGET_MS. A slice that drains or restarts
   * then costs its clients a short wait, not an error; what the breaker sees is the last attempt.
   */
  private async sendRetrying(
    upstream: Upstream,
    exchange: Exchange,
    path: string,
    body: Body,
    identityToken?: string,
    method = exchange.req.method,
    budgetMs = this.settings.retryBudgetMs,
  ): Promise<Dispatcher.ResponseData> {
    const replayable = body === null || Buffer.isBuffer(body);
    const startedAt = performance.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.send(upstream, exchange, path, body, identityToken, method, attempt > 0);
      } catch (error) {
        const wait = RETRY_WAITS_MS[Math.min(attempt, RETRY_WAITS_MS.length - 1)];
        // The first retry (at once, on a fresh connection) whenever retries are on; waiting ones within the budget.
        const withinBudget = this.settings.retryBudgetMs > 0 && (attempt === 0 || performance.now() - startedAt + wait <= budgetMs);
        if (!replayable || !withinBudget || !neverReceived(error as Error, method ?? 'GET') || clientGone(exchange)) throw error;
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  /** The monolith gets the method as sent (it reads an override itself); a slice gets the one to run. */
  private send(
    upstream: Upstream,
    exchange: Exchange,
    path: string,
    body: Body,
    identityToken?: string,
    method = exchange.req.method,
    freshConnection = false,
  ): Promise<Dispatcher.ResponseData> {
    const timeout = exchange.route?.timeoutMs ?? this.settings.defaultTimeoutMs;
    const options: Dispatcher.RequestOptions = {
      method: method as Dispatcher.HttpMethod,
      path,
      headers: this.headersFor(exchange, identityToken),
      body: body as Dispatcher.RequestOptions['body'],
      headersTimeout: timeout,
      bodyTimeout: timeout,
    };
    return freshConnection ? upstream.requestOnFreshConnection(options) : upstream.pool.request(options);
  }

  private async relay(
    exchange: Exchange,
    upstream: Upstream,
    backend: string,
    response: Dispatcher.ResponseData,
    capture?: (response: CapturedResponse) => void,
  ): Promise<void> {
    const { res } = exchange;
    // Before the client sees a logout (or login), the identity cached for its old session is dropped.
    const setCookie = response.headers['set-cookie'];
    if (setCookie !== undefined) this.deps.sessions.responseSetsCookies(exchange.req, setCookie);
    else this.deps.sessions.responseSetsNoCookies?.(exchange.req);
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
          // Once cut, nothing more is kept: a later small chunk would leave a gap in the copy.
          if (truncated || capturedBytes + chunk.length > this.settings.shadowMaxBodyBytes) truncated = true;
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

  /** A body that stopped flowing: answer 408 if nothing was sent yet, and close the connection either way. */
  private bodyStalled(exchange: Exchange): void {
    const { res, req } = exchange;
    const socket = req.socket;
    if (res.headersSent) return void socket?.destroy();
    res.once('finish', () => socket?.destroy());
    this.refuse(exchange, 408, 'Request Timeout', `the request body stalled for more than ${this.settings.bodyIdleTimeoutMs} ms`);
  }

  private answerUpstreamError(exchange: Exchange, backend: string, error: Error): void {
    if (error instanceof BodyTooLargeError) {
      return this.refuse(exchange, 413, 'Content Too Large', error.message, { connection: 'close' }, backend);
    }
    // Cut already (a stalled body, a client gone). Not req.destroyed: a request whose body was read to its end is destroyed too.
    if (exchange.res.headersSent || exchange.res.destroyed) return;
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
    if (status === 400 || status === 408 || status === 413 || status === 414 || status === 431) extra['connection'] = 'close';
    sendProblem(exchange.res, status, title, detail, extra);
    this.deps.metrics.observe(exchange.routeId, backend ?? 'gateway', status, (performance.now() - exchange.startedAt) / 1_000);
  }

  private unrouted(req: IncomingMessage, res: ServerResponse, requestId: string, startedAt: number): Exchange {
    const peer = peerOf(req, this.deps.trustedProxies);
    return {
      req,
      res,
      requestId,
      routeId: 'unmatched',
      method: req.method ?? 'GET',
      path: '/',
      servicePath: '/',
      peer,
      startedAt,
      origin: '',
      csrfVerified: false,
    };
  }

  private failUnexpectedly(exchange: Exchange, error: Error): void {
    if (error instanceof BodyTooLargeError) return this.answerUpstreamError(exchange, 'gateway', error);
    if (exchange.res.headersSent || exchange.res.destroyed) {
      exchange.res.destroy();
      return;
    }
    this.refuse(exchange, 502, 'Bad Gateway', `the gateway could not proxy this request: ${error.message}`);
  }
}

/** Whether the upstream cannot have received (or, idempotent, acted on) a request that failed so. */
function neverReceived(error: Error, method: string): boolean {
  const code = errorCode(error);
  return NOT_CONNECTED.has(code) || (CLOSED_UNDER_REQUEST.has(code) && IDEMPOTENT.has(method));
}

/** The client went away (or its body broke): nothing to answer, and not the upstream's failure. */
function clientGone(exchange: Exchange): boolean {
  return exchange.res.destroyed || (exchange.req.destroyed && !exchange.req.complete);
}

export function isTimeout(error: Error): boolean {
  const code = errorCode(error);
  return code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'ETIMEDOUT';
}

export function errorCode(error: Error): string {
  const withCode = error as Error & { code?: string; cause?: { code?: string } };
  return withCode.code ?? withCode.cause?.code ?? error.name;
}

function peerOf(req: IncomingMessage, trusted: TrustedProxies): Peer {
  const socket = req.socket as (IncomingMessage['socket'] & { encrypted?: boolean }) | null;
  const address = socket?.remoteAddress ?? '';
  return { address, port: socket?.localPort ?? 0, encrypted: socket?.encrypted === true, trusted: trusted.has(address) };
}

/** The origin the client used, for absolute redirects: a trusted proxy's word, else the connection's. */
function publicOrigin(req: IncomingMessage, peer: Peer): string {
  const said = peer.trusted ? req.headers : undefined;
  const forwardedProto = said?.['x-forwarded-proto'];
  const forwardedHost = said?.['x-forwarded-host'];
  const proto = typeof forwardedProto === 'string' ? forwardedProto : peer.encrypted ? 'https' : 'http';
  return `${proto}://${typeof forwardedHost === 'string' ? forwardedHost : (req.headers.host ?? 'localhost')}`;
}

export type { BackendChoice };
