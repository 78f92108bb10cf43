import { connect } from 'node:net';
import { Controller, Get, Module } from '@nestjs/common';
import { freePort, startNatsServer, tempSqlite, type NatsServerHandle, type TempSqlite } from '@offramp/testing';
import { createService, type RunningService } from './bootstrap-service.js';

let releaseSlowRequest: () => void = () => undefined;
let slowRequestArrived: () => void = () => undefined;

@Controller('slow')
class SlowController {
  @Get()
  async slow() {
    slowRequestArrived();
    await new Promise<void>((resolve) => (releaseSlowRequest = resolve));
    return { finished: true };
  }
}

@Module({ controllers: [SlowController] })
class SlowModule {}

describe('createService graceful shutdown (in-process, real nats-server and SQLite)', () => {
  let nats: NatsServerHandle;
  let db: TempSqlite;
  let service: RunningService;

  beforeAll(async () => {
    nats = await startNatsServer();
    db = tempSqlite();
    const env = { PORT: String(await freePort()), NATS_URL: nats.url, DATABASE_URL: db.url, LOG_LEVEL: 'silent', SHUTDOWN_TIMEOUT_MS: '10000' };
    service = await createService({ name: 'probe', defaultPort: 1, imports: () => [SlowModule] }, env);
  });

  afterAll(async () => {
    await nats.stop();
    db.remove();
  });

  it('answers a request that reaches it during the shutdown itself (request id, problem+json), not with Fastify’s bare 503', async () => {
    const probe = await createService(
      { name: 'probe', defaultPort: 1, imports: () => [SlowModule] },
      { PORT: String(await freePort()), NATS_URL: nats.url, DATABASE_URL: db.url, LOG_LEVEL: 'silent', SHUTDOWN_TIMEOUT_MS: '10000' },
    );
    // One request holds the shutdown open; on a second connection a request's head is half sent.
    const arrived = new Promise<void>((resolve) => (slowRequestArrived = resolve));
    const inFlight = fetch(`${probe.url}/slow`);
    await arrived;
    const socket = connect(Number(new URL(probe.url).port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.write('GET /health/live HTTP/1.1\r\nhost: probe\r\n');
    await new Promise((resolve) => setTimeout(resolve, 50));

    const stopped = probe.shutdown('test');
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The head completes while the server closes.
    socket.write('\r\n');
    for (let waited = 0; waited < 2_000 && !received.includes('\r\n\r\n'); waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    releaseSlowRequest();
    await inFlight;
    await stopped;
    socket.destroy();
    // Answered by the service (liveness says it is going: its problem+json 503), not by Fastify's
    // load-shedding 503 ({"error":"Service Unavailable"}, no request id) as before.
    expect(received).toMatch(/\r\nx-request-id: [0-9a-f-]{36}\r\n/i);
    expect(received).toMatch(/\r\ncontent-type: application\/problem\+json/i);
    expect(received).toMatch(/\r\nconnection: close\r\n/i);
  });

  it('finishes the request in flight, closes its keep-alive connection, then stops accepting', async () => {
    const arrived = new Promise<void>((resolve) => (slowRequestArrived = resolve));
    const inFlight = fetch(`${service.url}/slow`);
    await arrived;

    const stopped = service.shutdown('test');
    // Shutdown waits for the request in flight instead of cutting it off.
    const outcome = await Promise.race([stopped.then(() => 'stopped'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 300))]);
    expect(outcome).toBe('waiting');

    releaseSlowRequest();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ finished: true });

    await stopped;
    await expect(fetch(`${service.url}/health/live`)).rejects.toThrow();
  });
});
