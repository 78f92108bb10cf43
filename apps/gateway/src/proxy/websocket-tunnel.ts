import { request, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';
import { hopByHop } from './hop-by-hop.js';
import { errorCode, isTimeout, LEGACY_BACKEND, PathRefusedError, type ProxyEngine } from './proxy-engine.js';
import { endWithProblem } from './problem-response.js';
import type { Upstream } from './upstream.js';

export interface TunnelSettings {
  /** An upgraded connection silent both ways for this long is closed. */
  idleTimeoutMs: number;
  defaultTimeoutMs: number;
  routingHeaders: boolean;
}

/**
 * WebSocket (and any HTTP Upgrade) pass-through. The handshake is routed like a plain request —
 * the same path reading, backend choice, identity token, forwarding headers and circuit breaker
 * (ProxyEngine) — and sent upstream alone. Bytes flow both ways only after the upstream answered
 * 101 Switching Protocols: anything else is relayed as the one answer and the connection closed,
 * so nothing a client sends behind the handshake reaches an upstream the route table did not choose.
 */
export class WebSocketTunnel {
  constructor(
    private readonly engine: ProxyEngine,
    private readonly legacy: Upstream,
    private readonly metrics: GatewayMetrics,
    private readonly settings: TunnelSettings,
  ) {}

  async handle(req: IncomingMessage, client: Duplex, head: Buffer, requestId: string): Promise<void> {
    client.on('error', () => client.destroy());
    const startedAt = performance.now();
    let routed;
    try {
      routed = this.engine.route(req, requestId);
    } catch (error) {
      if (!(error instanceof PathRefusedError)) throw error;
      return this.refuse(client, requestId, 'unmatched', 400, 'Bad Request', error.message);
    }
    const { routeId } = routed;
    const target = await this.engine.target(routed);
    let upstream = this.legacy;
    let path = req.url ?? '/';
    let token: string | undefined;
    let breakerOf: Upstream | undefined;
    if (target.to === 'service') {
      if (!target.upstream) {
        return this.refuse(
          client,
          requestId,
          routeId,
          502,
          'Bad Gateway',
          `route ${routeId} names service "${target.route.service ?? ''}", which GATEWAY_SERVICES does not define`,
        );
      }
      if (target.upstream.breaker.allow()) {
        upstream = breakerOf = target.upstream;
        path = routed.servicePath;
        token = await this.engine.tokenFor(target.caller, target.route, false);
      } else if (!target.fallback) {
        return this.refuse(client, requestId, routeId, 503, 'Service Unavailable', `the circuit to ${target.upstream.name} is open after repeated failures`);
      }
    }
    const backend = breakerOf ? upstream.name : LEGACY_BACKEND;
    const headers = this.engine.headersFor(routed, token);
    // The two fields that make it an upgrade are hop-by-hop: set again for this one hop.
    headers['connection'] = 'Upgrade';
    if (req.headers.upgrade) headers['upgrade'] = req.headers.upgrade;
    const target_ = new URL(upstream.origin);
    const timeout = routed.match?.route.timeoutMs ?? this.settings.defaultTimeoutMs;
    const outgoing = request({ host: target_.hostname, port: Number(target_.port || 80), method: req.method, path, headers, agent: false, timeout });
    const observe = (status: number) => this.metrics.observe(routeId, backend, status, (performance.now() - startedAt) / 1_000);

    outgoing.on('upgrade', (response, server, upstreamHead) => {
      breakerOf?.breaker.success();
      observe(101);
      server.setTimeout(0);
      client.write(statusHead(response, requestId, this.settings.routingHeaders ? { routeId, backend } : undefined, false));
      if (upstreamHead.length > 0) client.write(upstreamHead);
      if (head.length > 0) server.write(head);
      const close = () => {
        server.destroy();
        client.destroy();
      };
      server.setTimeout(this.settings.idleTimeoutMs, close);
      (client as Socket).setTimeout?.(this.settings.idleTimeoutMs, close);
      server.on('error', close);
      server.once('close', close);
      client.once('close', close);
      server.pipe(client);
      client.pipe(server);
    });

    outgoing.on('response', (response) => {
      // Not upgraded: this is the one answer. Relay it and close; the client's further bytes stay unread.
      if (response.statusCode !== undefined && response.statusCode >= 500) breakerOf?.breaker.failure();
      else breakerOf?.breaker.success();
      observe(response.statusCode ?? 0);
      client.write(statusHead(response, requestId, this.settings.routingHeaders ? { routeId, backend } : undefined, true));
      response.on('data', (chunk: Buffer) => client.write(chunk));
      response.once('end', () => client.end(() => client.destroy()));
      response.once('error', () => client.destroy());
      client.once('close', () => response.destroy());
    });

    outgoing.on('timeout', () => outgoing.destroy(Object.assign(new Error('upstream did not answer the upgrade in time'), { code: 'ETIMEDOUT' })));
    outgoing.on('error', (error) => {
      breakerOf?.breaker.failure();
      const timedOut = isTimeout(error);
      observe(timedOut ? 504 : 502);
      const detail = timedOut ? `${backend} did not answer in time` : `${backend} could not be reached (${errorCode(error)})`;
      this.refuse(client, requestId, routeId, timedOut ? 504 : 502, timedOut ? 'Gateway Timeout' : 'Bad Gateway', detail, backend);
    });
    outgoing.end();
  }

  private refuse(client: Duplex, requestId: string, routeId: string, status: number, title: string, detail: string, backend?: string): void {
    const extra: Record<string, string> = { 'x-request-id': requestId };
    if (this.settings.routingHeaders) {
      extra['x-offramp-route'] = routeId;
      if (backend) extra['x-offramp-backend'] = backend;
    }
    endWithProblem(client, status, title, detail, extra);
  }
}

/** The upstream's status line and headers for the client (hop-by-hop dropped, except the upgrade's own). */
function statusHead(response: IncomingMessage, requestId: string, routing: { routeId: string; backend: string } | undefined, closing: boolean): string {
  const lines = [`HTTP/1.1 ${response.statusCode ?? 502} ${response.statusMessage ?? ''}`];
  const raw = response.rawHeaders;
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index] ?? '';
    const lower = name.toLowerCase();
    if (lower === 'x-request-id') continue;
    if (hopByHop(lower) && !(!closing && (lower === 'connection' || lower === 'upgrade'))) continue;
    lines.push(`${name}: ${raw[index + 1] ?? ''}`);
  }
  lines.push(`x-request-id: ${requestId}`);
  if (routing) lines.push(`x-offramp-route: ${routing.routeId}`, `x-offramp-backend: ${routing.backend}`);
  // The body is relayed as it arrives (de-chunked) and ends when the connection does.
  if (closing) lines.push('connection: close');
  return `${lines.join('\r\n')}\r\n\r\n`;
}
