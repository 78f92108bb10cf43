import type { IncomingMessage, Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { IDENTITY_HEADER } from '@offramp/platform';
import { chooseCanaryBackend } from '../canary/canary-choice.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { IdentityProvider } from '../identity/identity-provider.js';
import type { ProxyEngine } from './proxy-engine.js';
import type { Upstream } from './upstream.js';

/**
 * WebSocket (and any HTTP Upgrade) pass-through: the handshake is routed like a request (legacy,
 * canary, service), then bytes flow both ways untouched. Shadow routes upgrade on the monolith.
 */
export class WebSocketTunnel {
  constructor(
    private readonly engine: ProxyEngine,
    private readonly legacy: Upstream,
    private readonly services: ReadonlyMap<string, Upstream>,
    private readonly identity: IdentityProvider,
    private readonly config: GatewayConfig,
  ) {}

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.tunnel(req, socket, head).catch(() => refuse(socket, 502, 'Bad Gateway'));
    });
  }

  private async tunnel(req: IncomingMessage, client: Duplex, head: Buffer): Promise<void> {
    const match = this.engine.routes.match(req.method ?? 'GET', req.url ?? '/');
    const route = match?.route;
    let upstream = this.legacy;
    let token: string | undefined;
    if (match && route && route.state !== 'legacy' && route.state !== 'shadow') {
      const caller = await this.identity.resolve(req);
      const toService = route.state !== 'canary' || chooseCanaryBackend(req, route, match.id, caller, new Set(this.config.GATEWAY_TESTERS)) === 'service';
      const service = route.service ? this.services.get(route.service) : undefined;
      if (toService && service) {
        upstream = service;
        token = caller.identity ? await this.identity.token(caller.identity, { audience: service.name, csrfVerified: false }) : undefined;
      }
    }
    const target = new URL(upstream.origin);
    const server: Socket = connect({ host: target.hostname, port: Number(target.port || 80) });
    server.setTimeout(route?.timeoutMs ?? this.config.GATEWAY_TIMEOUT_MS, () => server.destroy());
    server.once('error', () => refuse(client, 502, 'Bad Gateway'));
    client.once('error', () => server.destroy());
    server.once('connect', () => {
      server.setTimeout(0);
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      req.rawHeaders.forEach((field, index) => {
        if (index % 2 === 1) return;
        const lower = field.toLowerCase();
        if (lower === IDENTITY_HEADER || lower.startsWith('x-forwarded-')) return;
        lines.push(`${field}: ${req.rawHeaders[index + 1] ?? ''}`);
      });
      lines.push(`X-Forwarded-For: ${req.socket.remoteAddress ?? ''}`, 'X-Forwarded-Proto: http', `X-Forwarded-Host: ${req.headers.host ?? ''}`);
      if (token) lines.push(`${IDENTITY_HEADER}: ${token}`);
      server.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) server.write(head);
      server.pipe(client);
      client.pipe(server);
    });
    server.once('close', () => client.destroy());
    client.once('close', () => server.destroy());
  }
}

function refuse(socket: Duplex, status: number, title: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(`HTTP/1.1 ${status} ${title}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
