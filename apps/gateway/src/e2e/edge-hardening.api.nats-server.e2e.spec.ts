import { generateKeyPairSync } from 'node:crypto';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import {
  freePort,
  startNatsServer,
  startNginxProxy,
  startService,
  tempDir,
  tempSqlite,
  waitUntil,
  type NatsServerHandle,
  type NginxProxy,
  type ServiceProcess,
  type TempSqlite,
  startGateway,
  throughGateway,
  writeRoutesFile,
} from '@offramp/testing';

// The public listener as an attacker meets it: the real gateway and the real api slice (on an
// empty SQLite file: the requests here never reach its catalog), a real nats-server, and a raw
// node:http server standing in for the monolith's app server (it records what it was sent),
// reached directly or through a real nginx, as the monolith runs in production.
const ROUTES = `
routes:
  - { method: GET|HEAD, path: '/api/products/{id}', state: service, service: api, fallback: false }
  - { method: GET, path: /echo, state: legacy, timeoutMs: 3000 }
  - { method: GET, path: /shadowed, state: shadow, service: echo }
  - { method: PUT, path: /replay, state: service, service: down, csrf: false }
  - { method: GET, path: /ws-retired, state: retired, service: down }
`;

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
}

/**
 * A body that is allowed (1 MiB, under the route's 8 MiB limit: a larger one is refused with 413
 * before anything is read) but sent one byte at a time, so it never completes during the test.
 */
const TRICKLED_UPLOAD_HEAD = 'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\nx';

describe('the edge against hostile clients (real gateway, api slice and nats-server)', () => {
  let nats: NatsServerHandle;
  let db: TempSqlite;
  let monolith: Server;
  let monolithUrl: string;
  let nginx: NginxProxy;
  let api: ServiceProcess;
  let gateway: ServiceProcess;
  let strict: ServiceProcess;
  let production: ServiceProcess;
  let routes: { path: string; remove(): void };
  let folder: { path: string; remove(): void };
  const seen: Seen[] = [];
  const sockets: Socket[] = [];

  beforeAll(async () => {
    nats = await startNatsServer();
    db = tempSqlite();
    // No 'upgrade' listener, as PHP's and most application servers: an Upgrade request is served
    // as a plain request, and whatever follows on the connection is parsed as the next request.
    monolith = createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ url: req.url, headers: req.headers }));
      });
    });
    // A WebSocket-style echo on /ws only; any other upgrade is refused as such servers do.
    monolith.on('upgrade', (req, socket: Socket) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      if (req.url !== '/ws') return void socket.end('HTTP/1.1 426 Upgrade Required\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      sockets.push(socket);
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
      socket.on('data', (chunk: Buffer) => socket.write(Buffer.concat([Buffer.from('echo:'), chunk])));
      socket.on('error', () => undefined);
    });
    const port = await freePort();
    await new Promise<void>((resolve) => monolith.listen(port, '127.0.0.1', resolve));
    monolithUrl = `http://127.0.0.1:${port}`;
    nginx = await startNginxProxy(port);
    folder = tempDir('offramp-edge-');
    routes = writeRoutesFile(ROUTES);
    api = await startService({
      app: 'api',
      env: { DATABASE_URL: db.url, NATS_URL: nats.url, IDENTITY_TOKEN_SECRET: 'e2e-identity-secret-0123456789abcdef', LOG_LEVEL: 'warn' },
    });
    const options = {
      natsUrl: nats.url,
      legacyUrl: monolithUrl,
      databaseUrl: `sqlite://${folder.path}/gateway.sqlite`,
      routesFile: routes.path,
      bucket: 'edge_routes',
      services: { api: api.url, echo: monolithUrl, down: `http://127.0.0.1:${await freePort()}` },
    };
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    [gateway, strict, production] = await Promise.all([
      startGateway({ ...options, env: { GATEWAY_UPGRADE_IDLE_TIMEOUT_MS: '500', GATEWAY_TRUSTED_PROXIES: '127.0.0.2/32' } }),
      startGateway({
        ...options,
        legacyUrl: nginx.url,
        env: {
          GATEWAY_HEADERS_TIMEOUT_MS: '1000',
          GATEWAY_BODY_IDLE_TIMEOUT_MS: '1000',
          GATEWAY_REPLAY_BUFFER_BYTES: String(4 * 1024 * 1024),
          // As behind a load balancer: no limit per address, so only body buffering protects the pool.
          GATEWAY_MAX_CONNECTIONS_PER_CLIENT: '0',
          GATEWAY_UPSTREAM_CONNECTIONS: '16',
          ...(process.env['EDGE_BODY_BUFFER_BYTES'] ? { GATEWAY_BODY_BUFFER_BYTES: process.env['EDGE_BODY_BUFFER_BYTES'] } : {}),
        },
      }),
      startGateway({
        ...options,
        env: {
          OFFRAMP_ENV: 'production',
          IDENTITY_TOKEN_ALG: 'EdDSA',
          IDENTITY_TOKEN_SECRET: '',
          IDENTITY_TOKEN_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
          IDENTITY_TOKEN_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        },
      }),
    ]);
  }, 90_000);

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.allSettled([gateway?.stop(), strict?.stop(), production?.stop(), api?.stop()]);
    await nginx?.close();
    monolith?.closeAllConnections();
    await new Promise((resolve) => monolith?.close(resolve));
    await nats?.stop();
    db?.remove();
    routes?.remove();
    folder?.remove();
  });

  function open(target: ServiceProcess, localAddress = '127.0.0.1'): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port: target.port, host: '127.0.0.1', localAddress });
      sockets.push(socket);
      socket.once('connect', () => resolve(socket));
      socket.once('error', reject);
    });
  }

  /** Everything the gateway sends back on one connection until it closes it (at most `waitMs`). */
  async function exchange(target: ServiceProcess, bytes: string, waitMs = 3_000): Promise<{ text: string; closed: boolean }> {
    const socket = await open(target);
    let text = '';
    let closed = false;
    socket.on('data', (data: Buffer) => (text += data.toString('latin1')));
    socket.on('close', () => (closed = true));
    socket.on('error', () => undefined);
    socket.write(bytes);
    await waitUntil(async () => closed, { timeoutMs: waitMs, intervalMs: 25, description: 'connection closed' }).catch(() => undefined);
    socket.destroy();
    return { text, closed };
  }

  describe('1. upgrade requests', () => {
    it('does not let a request smuggled behind an Upgrade reach the slice', async () => {
      const smuggled = 'GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n';
      const { text } = await exchange(gateway, `GET /api/products/5 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: x\r\n\r\n${smuggled}`);
      expect(text).toMatch(/^HTTP\/1\.1 \d{3} /);
      expect(text.match(/HTTP\/1\.1 \d{3} /g)).toHaveLength(1); // one answer: the slice's to the routed request
      expect(text).not.toContain('process_cpu'); // the slice's own /metrics, which the gateway never routes
    });

    it('does not let a request smuggled behind an Upgrade reach the monolith through nginx', async () => {
      const before = seen.length;
      const { text } = await exchange(
        strict,
        'GET /echo HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: x\r\n\r\nGET /admin/secret HTTP/1.1\r\nHost: x\r\n\r\n',
      );
      expect(text.match(/HTTP\/1\.1 \d{3} /g)).toHaveLength(1);
      expect(seen.slice(before).map((request) => request.url)).toEqual(['/echo']);
    });

    it('sets the forwarding headers on an upgrade as on a plain request, whatever the client sent', async () => {
      const before = seen.length;
      await exchange(
        gateway,
        'GET /echo HTTP/1.1\r\nHost: shop.test\r\nConnection: Upgrade\r\nUpgrade: x\r\nX-Forwarded-Host: evil.test\r\nForwarded: for=1.2.3.4;host=evil.test\r\n\r\n',
      );
      const [upgrade] = seen.slice(before);
      expect(upgrade?.headers['x-forwarded-host']).toBe('shop.test');
      expect(upgrade?.headers['forwarded']).toBeUndefined();
      expect(upgrade?.headers['x-forwarded-for']).toBe('127.0.0.1');
    });

    it('pipes an accepted upgrade both ways, then closes it once silent for the idle timeout', async () => {
      const socket = await open(gateway);
      let received = '';
      let closed = false;
      socket.on('data', (data: Buffer) => (received += data.toString('latin1')));
      socket.on('close', () => (closed = true));
      socket.write('GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
      await waitUntil(async () => received.includes('\r\n\r\n'), { timeoutMs: 5_000, intervalMs: 20, description: '101' });
      expect(received).toMatch(/^HTTP\/1\.1 101 /);
      socket.write('ping');
      await waitUntil(async () => received.includes('echo:ping'), { timeoutMs: 5_000, intervalMs: 20, description: 'echo' });
      // Silent both ways now: the gateway (GATEWAY_UPGRADE_IDLE_TIMEOUT_MS=500) closes both sides.
      await waitUntil(async () => closed, { timeoutMs: 5_000, intervalMs: 50, description: 'idle upgrade closed' });
      expect(closed).toBe(true);
    });

    it('answers an upgrade on a route whose slice is down with a problem, and closes', async () => {
      const { text, closed } = await exchange(gateway, 'GET /ws-retired HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
      expect(text).toMatch(/^HTTP\/1\.1 502 [\s\S]*application\/problem\+json/);
      expect(closed).toBe(true);
    });
  });

  describe('2. slow clients', () => {
    it('closes a client that sends its head too slowly', async () => {
      const socket = await open(strict);
      let closed = false;
      socket.on('close', () => (closed = true));
      socket.on('error', () => undefined);
      socket.write('GET /echo HTTP/1.1\r\nHost: x\r\n');
      for (let line = 0; line < 12 && !closed; line++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        if (!closed) socket.write(`X-Slow-${line}: 1\r\n`);
      }
      expect(closed).toBe(true);
    });

    it('closes a client whose body stops flowing', async () => {
      const { text, closed } = await exchange(strict, 'PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789', 4_000);
      expect(closed).toBe(true);
      expect(text === '' || /^HTTP\/1\.1 408 /.test(text)).toBe(true);
    });

    it('keeps serving a well-behaved client while 300 clients trickle bodies', async () => {
      const tricklers: Socket[] = [];
      for (let index = 0; index < 300; index++) {
        const socket = await open(gateway).catch(() => undefined);
        if (!socket) continue;
        socket.on('error', () => undefined);
        socket.write(TRICKLED_UPLOAD_HEAD);
        tricklers.push(socket);
      }
      const trickle = setInterval(() => tricklers.forEach((socket) => socket.writable && socket.write('x')), 500);
      try {
        await new Promise((resolve) => setTimeout(resolve, 500));
        // Another client (another address) asks for a route whose timeout is 3 s.
        const answers = [];
        for (let attempt = 0; attempt < 3; attempt++) answers.push(await plainGet(gateway, '/echo', '127.0.0.2', 6_000));
        expect(answers).toEqual([200, 200, 200]);
      } finally {
        clearInterval(trickle);
        for (const socket of tricklers) socket.destroy();
      }
    }, 60_000);

    it('lets no trickling body hold one of the upstream’s pooled connections, whatever the number of addresses', async () => {
      const tricklers: Socket[] = [];
      for (let index = 0; index < 60; index++) {
        const socket = await open(strict);
        socket.on('error', () => undefined);
        socket.write(TRICKLED_UPLOAD_HEAD);
        tricklers.push(socket);
      }
      const trickle = setInterval(() => tricklers.forEach((socket) => socket.writable && socket.write('x')), 300);
      try {
        await new Promise((resolve) => setTimeout(resolve, 500));
        const answers = [];
        for (let attempt = 0; attempt < 3; attempt++) answers.push(await plainGet(strict, '/echo', '127.0.0.1', 6_000));
        expect(answers).toEqual([200, 200, 200]);
        expect(tricklers.filter((socket) => !socket.destroyed).length).toBe(60); // they were not simply cut off
      } finally {
        clearInterval(trickle);
        for (const socket of tricklers) socket.destroy();
      }
    }, 60_000);

    it('never holds more bytes for fallback replay than the configured cap', async () => {
      const clients: Socket[] = [];
      for (let index = 0; index < 12; index++) {
        const socket = await open(strict);
        socket.on('error', () => undefined);
        socket.write(`PUT /replay HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n`);
        socket.write(Buffer.alloc(1_048_000, 1));
        clients.push(socket);
      }
      try {
        const gauge = async (name: string) => {
          const metrics = await fetch(`${strict.adminUrl}/metrics`).then((response) => response.text());
          const line = metrics.split('\n').find((entry) => entry.startsWith(`${name} `) || entry.startsWith(`${name}{`));
          return line === undefined ? undefined : Number(line.split(' ').at(-1));
        };
        const held = await waitUntil(
          async () => (((await gauge('offramp_gateway_replay_buffer_bytes')) ?? 0) > 0 ? gauge('offramp_gateway_replay_buffer_bytes') : undefined),
          {
            timeoutMs: 10_000,
            description: 'replay bytes held',
          },
        );
        const peak = await gauge('offramp_gateway_replay_buffer_peak_bytes');
        console.log(`replay buffer: ${held} bytes held, peak ${peak}, cap ${4 * 1024 * 1024}`);
        expect(held).toBeLessThanOrEqual(4 * 1024 * 1024);
        expect(peak).toBeLessThanOrEqual(4 * 1024 * 1024);
        expect(peak).toBeGreaterThan(0);
      } finally {
        for (const socket of clients) socket.destroy();
      }
    }, 30_000);
  });

  describe('5. forwarding headers', () => {
    it('drops every forwarding field a client sends and sets them anew', async () => {
      const answer = await throughGateway(gateway, '/echo', {
        headers: {
          'x-forwarded-for': '6.6.6.6',
          'x-forwarded-host': 'evil.test',
          'x-forwarded-proto': 'https',
          'x-forwarded-port': '443',
          'x-forwarded-prefix': '/evil',
          forwarded: 'for=6.6.6.6;host=evil.test;proto=https',
        },
      });
      const headers = JSON.parse(answer.body).headers as IncomingHttpHeaders;
      expect(headers).toMatchObject({
        'x-forwarded-for': '127.0.0.1',
        'x-forwarded-host': `127.0.0.1:${gateway.port}`,
        'x-forwarded-proto': 'http',
        'x-forwarded-port': String(gateway.port),
      });
      expect(headers['x-forwarded-prefix']).toBeUndefined();
      expect(headers['forwarded']).toBeUndefined();
    });

    it('drops them on an HTTP/1.0 request without Host too', async () => {
      const before = seen.length;
      const { text } = await exchange(
        gateway,
        'GET /echo HTTP/1.0\r\nX-Forwarded-Host: evil.test\r\nX-Forwarded-Proto: https\r\nForwarded: host=evil.test\r\n\r\n',
      );
      expect(text).toMatch(/^HTTP\/1\.[01] 200 /);
      const [request] = seen.slice(before);
      expect(request?.headers['x-forwarded-host']).not.toBe('evil.test');
      expect(request?.headers['x-forwarded-proto']).toBe('http');
      expect(request?.headers['forwarded']).toBeUndefined();
    });

    it('keeps what a trusted proxy says and appends the peer', async () => {
      const body = await plainGetBody(gateway, '/echo', '127.0.0.2', {
        'x-forwarded-for': '203.0.113.7',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'shop.example',
        'x-forwarded-port': '443',
      });
      const headers = JSON.parse(body).headers as IncomingHttpHeaders;
      expect(headers).toMatchObject({
        'x-forwarded-for': '203.0.113.7, 127.0.0.2',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'shop.example',
        'x-forwarded-port': '443',
      });
    });

    it('applies the same rules to the copy a shadowed request sends to the slice', async () => {
      const before = seen.length;
      await throughGateway(gateway, '/shadowed', { headers: { 'x-forwarded-host': 'evil.test', forwarded: 'host=evil.test' } });
      const copy = await waitUntil(async () => seen.slice(before).find((request) => request.headers['x-offramp-shadow'] === '1'), {
        timeoutMs: 10_000,
        description: 'shadow copy',
      });
      expect(copy.headers['x-forwarded-host']).toBe(`127.0.0.1:${gateway.port}`);
      expect(copy.headers['forwarded']).toBeUndefined();
      expect(copy.headers['x-forwarded-for']).toBe('127.0.0.1');
    });
  });

  describe('10. less disclosed', () => {
    it('serves neither the admin API nor /metrics on the public listener', async () => {
      const before = seen.length;
      const routesList = await throughGateway(gateway, '/_offramp/admin/routes', { headers: { authorization: 'Bearer e2e-admin-token-0123456789' } });
      const metrics = await throughGateway(gateway, '/metrics');
      // Both are the monolith's paths now: the gateway passes them on like any unmatched route.
      expect(seen.slice(before).map((request) => request.url)).toEqual(['/_offramp/admin/routes', '/metrics']);
      expect(routesList.body).not.toContain('"routes"');
      expect(metrics.body).not.toContain('offramp_gateway');
      const onAdmin = await fetch(`${gateway.adminUrl}/_offramp/admin/routes`, { headers: { authorization: 'Bearer e2e-admin-token-0123456789' } });
      expect(onAdmin.status).toBe(200);
      expect(gateway.adminUrl).not.toBe(gateway.url);
    });

    it('sends no x-offramp-route / x-offramp-backend with OFFRAMP_ENV=production', async () => {
      const answer = await throughGateway(production, '/echo');
      expect(answer.status).toBe(200);
      expect(answer.route).toBeNull();
      expect(answer.backend).toBeNull();
    });
  });
});

function plainGetBody(target: ServiceProcess, path: string, localAddress: string, headers: Record<string, string> = {}, timeoutMs = 6_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sent = request({ host: '127.0.0.1', port: target.port, path, localAddress, headers, timeout: timeoutMs, agent: false }, (response) => {
      let body = '';
      response.on('data', (data: Buffer) => (body += data));
      response.on('end', () => resolve(body));
    });
    sent.on('timeout', () => sent.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    sent.on('error', reject);
    sent.end();
  });
}

function plainGet(target: ServiceProcess, path: string, localAddress: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const sent = request({ host: '127.0.0.1', port: target.port, path, localAddress, timeout: timeoutMs, agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    sent.on('timeout', () => {
      sent.destroy();
      resolve(0);
    });
    sent.on('error', () => resolve(-1));
    sent.end();
  });
}
