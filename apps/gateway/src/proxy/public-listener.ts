import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { REQUEST_ID_HEADER, requestIdFor } from '@offramp/platform';
import { endWithProblem } from './problem-response.js';
import type { ProxyEngine } from './proxy-engine.js';
import type { TrustedProxies } from './trusted-proxies.js';
import type { WebSocketTunnel } from './websocket-tunnel.js';

export interface PublicListenerSettings {
  port: number;
  host: string;
  /** The engine answers 431 up to here; Node's parser stops a head that is far larger. */
  maxHeaderBytes: number;
  /** The engine answers 414 above this; a target too long for Node's parser gets 414 here too. */
  maxUrlBytes: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** Open connections per client address; 0 for none (behind a load balancer, every client is its address). */
  maxConnectionsPerClient: number;
  /** GATEWAY_WORKERS > 1: each worker binds the port itself (SO_REUSEPORT) and the kernel spreads connections over them. */
  reusePort?: boolean;
}

/** How long a connection whose head overflowed is read away after its 431/414 (bounded: a client cannot hold it longer). */
const HEAD_OVERFLOW_LINGER_MS = 2_000;

/**
 * Whether the packet Node's parser gave up on holds a request line longer than `limit`: it starts
 * with a method and a target, and its first line (so far) is longer. A head that overflowed in
 * its fields instead has its request line long behind it.
 */
function requestLineTooLong(packet: Buffer | undefined, limit: number): boolean {
  if (!packet) return false;
  const end = packet.indexOf('\r\n');
  const line = packet.subarray(0, end === -1 ? packet.length : end).toString('latin1');
  return /^[A-Z]+ \S/.test(line) && line.length > limit;
}

/**
 * The one address a company exposes: a plain node:http server that only proxies. The admin API,
 * /metrics and health are on Nest's own listener (GATEWAY_ADMIN_PORT), never here. Slow clients
 * are bounded by Node's head and request timeouts, the engine's body-idle timeout and a cap on
 * connections per client address.
 */
export class PublicListener {
  private readonly server: Server;
  private readonly perClient = new Map<string, number>();
  private closing = false;

  constructor(
    private readonly settings: PublicListenerSettings,
    engine: ProxyEngine,
    tunnel: WebSocketTunnel,
    private readonly trusted: TrustedProxies,
  ) {
    this.server = createServer({
      maxHeaderSize: settings.maxHeaderBytes + 8_192,
      headersTimeout: settings.headersTimeoutMs,
      requestTimeout: Math.max(settings.requestTimeoutMs, settings.headersTimeoutMs),
      keepAliveTimeout: settings.keepAliveTimeoutMs,
      // Node checks the two timeouts above on this interval (30 s by default).
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(settings.headersTimeoutMs / 4))),
    });
    this.server.on('request', (req, res) => {
      if (this.closing) res.shouldKeepAlive = false;
      // The engine answers its own failures; anything that still escapes cuts this response, never the process.
      engine.handle(req, res, requestIdFor(req)).catch(() => res.destroy());
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      tunnel.handle(req, socket, head, requestIdFor(req)).catch(() => socket.destroy());
    });
    this.server.on('connection', (socket: Socket) => this.admit(socket));
    // Node's parser stays on a connection it gave up on and reports every later packet again:
    // the first error is answered, the rest is read away until the linger ends.
    const answered = new WeakSet<Duplex>();
    this.server.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex) => {
      if (answered.has(socket)) return;
      answered.add(socket);
      if (error.code === 'ECONNRESET') return void socket.destroy();
      const [status, title, detail] =
        error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request Timeout', 'the request was not received in time']
          : error.code === 'HPE_HEADER_OVERFLOW'
            ? requestLineTooLong(error.rawPacket, settings.maxUrlBytes)
              ? [414, 'URI Too Long', `the request target is longer than ${settings.maxUrlBytes} bytes`]
              : [431, 'Request Header Fields Too Large', `the request head is larger than ${settings.maxHeaderBytes} bytes`]
            : [400, 'Bad Request', 'the request is not valid HTTP/1.1'];
      // A head too large is usually still arriving (and a body after it): read it away briefly so the client gets the answer, not a reset.
      endWithProblem(
        socket,
        status,
        title,
        detail,
        { [REQUEST_ID_HEADER]: randomUUID() },
        { lingerMs: error.code === 'HPE_HEADER_OVERFLOW' ? HEAD_OVERFLOW_LINGER_MS : 0 },
      );
    });
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      // exclusive: a cluster worker's own socket, not one the primary accepts on and hands over.
      const reusePort = this.settings.reusePort === true;
      this.server.listen({ port: this.settings.port, host: this.settings.host, reusePort, exclusive: reusePort }, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /** Stops accepting; requests in flight finish, then their connections close (bounded by the platform's shutdown timeout). */
  async close(): Promise<void> {
    if (!this.server.listening) return;
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const sweep = setInterval(() => this.server.closeIdleConnections(), 100);
    try {
      await closed;
    } finally {
      clearInterval(sweep);
    }
  }

  private admit(socket: Socket): void {
    const limit = this.settings.maxConnectionsPerClient;
    const address = socket.remoteAddress;
    if (limit === 0 || !address || this.trusted.has(address)) return;
    const open = (this.perClient.get(address) ?? 0) + 1;
    if (open > limit) {
      socket.on('error', () => undefined);
      endWithProblem(socket, 429, 'Too Many Requests', `more than ${limit} open connections from one address`, { 'retry-after': '1' });
      return;
    }
    this.perClient.set(address, open);
    socket.once('close', () => {
      const left = (this.perClient.get(address) ?? 1) - 1;
      if (left <= 0) this.perClient.delete(address);
      else this.perClient.set(address, left);
    });
  }
}
