import { connect } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { readBodiesAsLaravel } from './laravel-bodies.js';

describe('readBodiesAsLaravel (a Fastify app on loopback)', () => {
  let app: FastifyInstance;
  let base: string;
  let port: number;

  beforeAll(async () => {
    app = Fastify();
    readBodiesAsLaravel(app, { postMaxSize: 64 * 1024, lingerMs: 500 });
    app.post('/orders', async (request) => ({ bytes: (request.body as Buffer | undefined)?.length ?? 0 }));
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    port = Number(new URL(base).port);
  });

  afterAll(() => app.close());

  it('takes a body up to post_max_size as raw bytes', async () => {
    const response = await fetch(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(64 * 1024) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ bytes: 64 * 1024 });
  });

  it('answers a larger one 413 to a client still sending it, every time (the answer was lost to a reset before)', async () => {
    // Many times the socket buffers: the client is mid-body when the 413 comes.
    const body = 'x'.repeat(8 * 1024 * 1024);
    for (let round = 0; round < 5; round += 1) {
      const response = await fetch(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(response.status).toBe(413);
      expect(await response.text()).toBe('{\n    "message": ""\n}');
    }
  });

  it('reads and drops the rest of a too-large body, so the client that sends it all sees no reset', async () => {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    const errors: string[] = [];
    socket.on('error', (error: NodeJS.ErrnoException) => errors.push(error.code ?? error.message));
    socket.write(`POST /orders HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${1024 * 1024}\r\n\r\n`);
    socket.write('x'.repeat(100 * 1024));
    // The 413 has been answered (and, before, the socket closed on the unread bytes) by now.
    for (let waited = 0; waited < 2_000 && !answer.includes('"message"'); waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(socket.destroyed).toBe(false);
    await new Promise<void>((resolve) =>
      socket.write('x'.repeat(1024 * 1024 - 100 * 1024), (error) => {
        if (error) errors.push((error as NodeJS.ErrnoException).code ?? error.message);
        resolve();
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(errors).toEqual([]);
    socket.destroy();
  });

  it('closes the connection of a client that keeps sending past the linger time', async () => {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(`POST /orders HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${10 * 1024 ** 3}\r\n\r\n`);
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    const trickle = setInterval(() => socket.writable && socket.write('x'.repeat(1024)), 20);
    const startedAt = performance.now();
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    clearInterval(trickle);
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    const heldMs = performance.now() - startedAt;
    expect(heldMs).toBeGreaterThanOrEqual(450);
    expect(heldMs).toBeLessThan(5_000);
  });
});
