// Baseline: @fastify/http-proxy in a bare Fastify (no logger), the usual Node reverse proxy.
import Fastify from 'fastify';
import proxy from '@fastify/http-proxy';

const app = Fastify({ logger: false });
await app.register(proxy, {
  upstream: process.env['UPSTREAM'] ?? 'http://127.0.0.1:8000',
  http: undefined,
  undici: { connections: 256, pipelining: 1, keepAliveTimeout: 60_000 },
});
await app.listen({ port: Number(process.env['PORT']), host: '127.0.0.1' });
process.stderr.write('fastify proxy ready\n');
