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
