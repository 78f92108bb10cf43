import { createServer, request, type Server } from 'node:http';
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import { Readable, type Duplex } from 'node:stream';
import {
  freePort,
  startNatsServer,
  tempDir,
  type NatsServerHandle,
  type ServiceProcess,
  startGateway,
  throughGateway,
  writeRoutesFile,
} from '@offramp/testing';

// Transport behaviour (streaming, limits, timeouts, hop-by-hop headers, upgrades) against a raw
// node:http upstream standing in for the monolith's web server, where PHP's built-in server cannot
// show it (a 1 GiB body, a deliberately slow answer, a WebSocket echo).
const GiB = 1024 ** 3;

describe('proxy transport', () => {
  let nats: NatsServerHandle;
  let upstream: Server;
  let upstreamUrl: string;
  let gateway: ServiceProcess;
  let quiet: ServiceProcess;
  let routes: { path: string; remove(): void };
  let folder: { path: string; remove(): void };
  const upgraded: Duplex[] = [];

  beforeAll(async () => {
    nats = await startNatsServer();
    upstream = createServer((req, res) => {
      let bytes = 0;
      req.on('data', (chunk: Buffer) => (bytes += chunk.length));
      req.on('end', () => {
        if (req.url === '/slow') return void setTimeout(() => res.end('late'), 3_000);
        if (req.url === '/redirect') {
          res.writeHead(302, { location: `${upstreamUrl}/login?next=1`, 'set-cookie': ['a=1; Path=/', 'b=2; HttpOnly'] });
          return void res.end();
        }
        res.writeHead(200, {
          'content-type': 'application/json',
          connection: 'keep-alive, x-private',
          'x-private': 'hop',
          'keep-alive': 'timeout=5',
          'x-kept': 'yes',
        });
        res.end(JSON.stringify({ bytes, headers: req.headers }));
      });
    });
    upstream.on('upgrade', (req, socket) => {
      upgraded.push(socket);
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
      socket.on('data', (chunk: Buffer) => socket.write(Buffer.concat([Buffer.from(`echo(${req.url}):`), chunk])));
    });
    const port = await freePort();
    await new Promise<void>((resolve) => upstream.listen(port, '127.0.0.1', resolve));
    upstreamUrl = `http://127.0.0.1:${port}`;
    folder = tempDir('offramp-transport-');
    routes = writeRoutesFile(`
routes:
  - { method: POST, path: /upload, state: legacy, maxBodyBytes: ${GiB} }
  - { method: GET, path: /slow, state: legacy, timeoutMs: 300 }
  - { method: GET, path: /gone, state: retired, service: down }
`);
    const options = {
      natsUrl: nats.url,
      legacyUrl: upstreamUrl,
      databaseUrl: `sqlite://${folder.path}/gateway.sqlite`,
      routesFile: routes.path,
      bucket: 'transport_routes',
      services: { down: `http://127.0.0.1:${await freePort()}` },
    };
    [gateway, quiet] = await Promise.all([startGateway(options), startGateway({ ...options, env: { GATEWAY_ROUTING_HEADERS: 'false' } })]);
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([gateway?.stop(), quiet?.stop()]);
    for (const socket of upgraded) socket.destroy();
    upstream?.closeAllConnections();
    await new Promise((resolve) => upstream?.close(resolve));
    await nats?.stop();
    routes?.remove();
    folder?.remove();
  });

  it('drops hop-by-hop headers both ways, sets X-Forwarded-*, strips a client identity header', async () => {
    // node:http, not fetch: fetch refuses to send Connection and TE itself.
    const raw = await new Promise<{ body: string; headers: Record<string, unknown> }>((resolve, reject) => {
      const sent = request(
        `${gateway.url}/echo`,
        {
          headers: {
            'x-offramp-identity': 'forged',
            'x-forwarded-for': '6.6.6.6',
            te: 'trailers',
            connection: 'keep-alive, x-secret-hop',
            'x-secret-hop': '1',
          },
        },
        (response) => {
          let body = '';
          response.on('data', (data: Buffer) => (body += data));
          response.on('end', () => resolve({ body, headers: response.headers }));
        },
      );
      sent.on('error', reject);
      sent.end();
    });
    const seen = JSON.parse(raw.body).headers;
    expect(raw.headers['x-private']).toBeUndefined();
    expect(raw.headers['keep-alive']).not.toBe('timeout=5');
    const answer = await throughGateway(gateway, '/echo');
    expect(seen['x-offramp-identity']).toBeUndefined();
    expect(seen['x-secret-hop']).toBeUndefined();
    expect(seen['te']).toBeUndefined();
    expect(seen['x-forwarded-for']).toBe('127.0.0.1'); // a client's own X-Forwarded-For is not trusted
    expect(seen['x-forwarded-proto']).toBe('http');
    expect(seen['x-forwarded-host']).toBe(new URL(gateway.url).host);
    expect(seen['host']).toBe(new URL(gateway.url).host);
    expect(answer.headers.get('x-private')).toBeNull();
    expect(answer.headers.get('x-kept')).toBe('yes');
    expect(answer).toMatchObject({ backend: 'legacy', route: 'unmatched' });
  });

  it('passes Set-Cookie and Location back, with absolute redirects to the upstream pointed at the gateway', async () => {
    const answer = await throughGateway(gateway, '/redirect');
    expect(answer.status).toBe(302);
    expect(answer.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
    expect(answer.headers.get('location')).toBe(`${gateway.url}/login?next=1`);
  });

  it('streams a 1 GiB upload without holding it in memory', async () => {
    const before = rssBytes(gateway.pid);
    const chunk = Buffer.alloc(1024 * 1024);
    let sent = 0;
    const body = new Readable({
      read() {
        if (sent >= GiB) return void this.push(null);
        sent += chunk.length;
        this.push(chunk);
      },
    });
    const result = await new Promise<string>((resolve, reject) => {
      const upload = request(
        `${gateway.url}/upload`,
        { method: 'POST', headers: { 'content-length': String(GiB), 'content-type': 'application/octet-stream' } },
        (response) => {
          let text = '';
          response.on('data', (data: Buffer) => (text += data));
          response.on('end', () => resolve(text));
        },
      );
      upload.on('error', reject);
      body.pipe(upload);
    });
    expect(JSON.parse(result).bytes).toBe(GiB);
    const growth = rssBytes(gateway.pid) - before;
    console.log(`gateway RSS grew by ${(growth / 1024 / 1024).toFixed(1)} MiB while proxying 1 GiB`);
    expect(growth).toBeLessThan(128 * 1024 * 1024);
  }, 120_000);

  it('answers 413 for a declared body above the limit and 431 for an oversized head', async () => {
    const tooLarge = await rawStatus(gateway.url, `POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: ${GiB + 1}\r\n\r\n`);
    expect(tooLarge).toMatch(/^HTTP\/1\.1 413 [\s\S]*application\/problem\+json/);
    const bigHead = await throughGateway(gateway, '/echo', { headers: { 'x-big': 'a'.repeat(17_000) } });
    expect(bigHead.status).toBe(431);
  });

  it('gives 504 when the upstream is too slow for the route and 502 when it is down, as problem+json', async () => {
    const slow = await throughGateway(gateway, '/slow');
    expect(slow.status).toBe(504);
    expect(slow.headers.get('content-type')).toBe('application/problem+json');
    expect(JSON.parse(slow.body)).toMatchObject({ status: 504, title: 'Gateway Timeout' });
    const down = await throughGateway(gateway, '/gone');
    expect(down.status).toBe(502);
    expect(JSON.parse(down.body).detail).toMatch(/down could not be reached \(ECONNREFUSED\)/);
  });

  it('passes WebSocket upgrades through', async () => {
    const socket = connect(Number(new URL(gateway.url).port), '127.0.0.1');
    let received = '';
    socket.on('data', (data: Buffer) => (received += data));
    socket.write(
      'GET /socket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    await until(() => received.includes('\r\n\r\n'));
    expect(received).toMatch(/^HTTP\/1\.1 101/);
    socket.write('ping');
    await until(() => received.includes('echo(/socket):ping'));
    socket.destroy();
  });

  it('leaves the routing headers out when configured so', async () => {
    const answer = await throughGateway(quiet, '/echo');
    expect(answer.status).toBe(200);
    expect(answer.backend).toBeNull();
    expect(answer.route).toBeNull();
  });
});

function rssBytes(pid: number): number {
  const line =
    readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith('VmRSS:')) ?? '';
  return Number(line.replace(/\D+/g, '')) * 1024;
}

function rawStatus(baseUrl: string, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(baseUrl).port), '127.0.0.1');
    let text = '';
    socket.on('data', (data: Buffer) => (text += data));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy());
    socket.write(head);
  });
}

async function until(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 200 && !condition(); attempt++) await new Promise((resolve) => setTimeout(resolve, 25));
  if (!condition()) throw new Error('condition not met within 5 s');
}
