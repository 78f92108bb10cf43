import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { PHP_POST_MAX_SIZE } from '@offramp/legacy-bridge';
import { freePort, startNatsServer, tempDir, type NatsServerHandle, type ServiceProcess, startGateway, writeRoutesFile } from '@offramp/testing';

/**
 * The gateway's one size policy: a body over its route's limit (the monolith's post_max_size
 * unless the route sets its own), a request target over the URL limit and a head over the head
 * limit are answered 413 / 414 / 431 problem+json with the request id, and not a byte of them
 * reaches an upstream. The upstream is a raw node:http server that counts what arrives (PHP's
 * built-in server cannot show that a request never came).
 */
const MiB = 1024 * 1024;

interface RawAnswer {
  status: number;
  head: string;
  body: string;
  /** The connection ended with a reset instead of a close. */
  reset: boolean;
}

/** Writes `request` whole on a fresh connection (whatever the server does meanwhile) and reads the answer. */
function raw(baseUrl: string, request: Buffer | string): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(Number(new URL(baseUrl).port), '127.0.0.1');
    const chunks: Buffer[] = [];
    let reset = false;
    socket.on('data', (data: Buffer) => chunks.push(data));
    socket.on('error', (error: NodeJS.ErrnoException) => (reset = error.code === 'ECONNRESET' || error.code === 'EPIPE'));
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head = '', body = ''] = text.split('\r\n\r\n', 2);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, body, reset });
    });
    socket.setTimeout(15_000, () => socket.destroy());
    socket.write(request);
  });
}

describe('gateway size policy per route (413 / 414 / 431 before any byte goes upstream)', () => {
  let nats: NatsServerHandle;
  let upstream: Server;
  let upstreamUrl: string;
  let gateway: ServiceProcess;
  let routes: { path: string; remove(): void };
  let folder: { path: string; remove(): void };
  /** Every request that reached the upstream, with its body size. */
  const arrived: Array<{ url: string; bytes: number }> = [];

  beforeAll(async () => {
    nats = await startNatsServer();
    upstream = createServer({ maxHeaderSize: 2 * MiB }, (req, res) => {
      let bytes = 0;
      req.on('data', (chunk: Buffer) => (bytes += chunk.length));
      req.on('end', () => {
        arrived.push({ url: req.url ?? '', bytes });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ bytes }));
      });
    });
    const port = await freePort();
    await new Promise<void>((resolve) => upstream.listen(port, '127.0.0.1', resolve));
    upstreamUrl = `http://127.0.0.1:${port}`;
    folder = tempDir('offramp-size-policy-');
    routes = writeRoutesFile(`
routes:
  - { method: POST, path: /api/orders, state: legacy }
  - { method: POST, path: /small, state: legacy, maxBodyBytes: 1024 }
`);
    gateway = await startGateway({
      natsUrl: nats.url,
      legacyUrl: upstreamUrl,
      databaseUrl: `sqlite://${folder.path}/gateway.sqlite`,
      routesFile: routes.path,
      bucket: 'size_policy_routes',
    });
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    upstream?.closeAllConnections();
    await new Promise((resolve) => upstream?.close(resolve));
    await nats?.stop();
    routes?.remove();
    folder?.remove();
  });

  const arrivedAt = (url: string) => arrived.filter((request) => request.url === url).length;

  const expectProblem = (answer: RawAnswer, status: number, detail: RegExp) => {
    expect(answer.status).toBe(status);
    expect(answer.reset).toBe(false);
    expect(answer.head).toMatch(/\r\ncontent-type: application\/problem\+json/i);
    expect(answer.head).toMatch(/\r\nx-request-id: \S+/i);
    expect(JSON.parse(answer.body)).toMatchObject({ status, detail: expect.stringMatching(detail) });
  };

  it("takes bodies up to the monolith's post_max_size on a route without a limit of its own, and answers 413 above it", async () => {
    const body = Buffer.alloc(5 * MiB, 'x');
    const fits = await raw(
      gateway.url,
      Buffer.concat([Buffer.from(`POST /api/orders HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`), body]),
    );
    expect(fits.status).toBe(200);
    expect(fits.body).toContain(`{"bytes":${body.length}}`);

    const before = arrivedAt('/api/orders');
    const tooLarge = await raw(gateway.url, `POST /api/orders HTTP/1.1\r\nHost: x\r\nContent-Length: ${PHP_POST_MAX_SIZE + 1}\r\n\r\n${'x'.repeat(64 * 1024)}`);
    expectProblem(tooLarge, 413, new RegExp(`larger than ${PHP_POST_MAX_SIZE} bytes, the limit of route POST /api/orders`));
    expect(arrivedAt('/api/orders')).toBe(before);
  }, 30_000);

  it("applies a route's own limit, to declared and to chunked bodies", async () => {
    expect((await raw(gateway.url, `POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 1024\r\nConnection: close\r\n\r\n${'x'.repeat(1024)}`)).status).toBe(
      200,
    );
    const declared = await raw(gateway.url, `POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 1025\r\n\r\n${'x'.repeat(1025)}`);
    expectProblem(declared, 413, /larger than 1024 bytes, the limit of route POST \/small/);
    const chunk = 'x'.repeat(2048);
    const chunked = await raw(
      gateway.url,
      `POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n0\r\n\r\n`,
    );
    expect(chunked.status).toBe(413);
    expect(arrived.filter((request) => request.url === '/small' && request.bytes > 1024)).toEqual([]);
  });

  it('answers 414 for a request target over the limit, whether Node parsed the head or gave up on it', async () => {
    const before = arrived.length;
    expectProblem(await raw(gateway.url, `GET /${'a'.repeat(10_000)} HTTP/1.1\r\nHost: x\r\n\r\n`), 414, /request target is longer than 8192 bytes/);
    expectProblem(await raw(gateway.url, `GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`), 414, /request target is longer than 8192 bytes/);
    expect(arrived.length).toBe(before);
  });

  it('answers 431 for a head over the limit, even to a POST that goes on sending a 1 MB header and its body (no reset)', async () => {
    const before = arrived.length;
    expectProblem(await raw(gateway.url, `GET /x HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`), 431, /request head is larger than 16384 bytes/);
    const huge = await raw(
      gateway.url,
      `POST /api/orders HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\nX-Big: ${'a'.repeat(MiB)}\r\n\r\n${'x'.repeat(1_000_000)}`,
    );
    expectProblem(huge, 431, /request head is larger than 16384 bytes/);
    expect(arrived.length).toBe(before);
  }, 30_000);
});
