import { createServer, type Server } from 'node:http';
import { startNatsServer, tempSqlite, type NatsServerHandle, type ServiceProcess, type TempSqlite, startGateway, writeRoutesFile } from '@offramp/testing';

// What clients get while the gateway drains (SIGTERM with a request in flight), against the real
// gateway process; a raw node:http upstream stands in for the monolith's web server, so that one
// request can be held in flight for as long as the test needs.
//
// Issue 15 measured (on d55ed84, when the public traffic still went through Nest's Fastify
// listener) Fastify's own bare 503 JSON during the drain. Since the public listener is a node:http
// server of its own (0295e60), the drain stops accepting new connections there (refused) and
// still proxies what arrives on connections already open; the admin listener answers until Nest
// closes it last. This guard keeps it so: the request in flight finishes, and no answer during the
// drain is a 503 outside the project's problem+json format.
const HOLD_MS = 1_500;

interface Seen {
  listener: 'public' | 'admin';
  status: number;
  contentType: string | null;
  requestId: string | null;
  body: string;
}

describe('gateway drain (SIGTERM with a request in flight)', () => {
  let nats: NatsServerHandle;
  let db: TempSqlite;
  let upstream: Server;
  let routes: { path: string; remove(): void };
  let gateway: ServiceProcess;

  beforeAll(async () => {
    nats = await startNatsServer();
    db = tempSqlite();
    upstream = createServer((req, res) => {
      const wait = req.url === '/held' ? HOLD_MS : 0;
      setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('from upstream'), wait);
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const address = upstream.address();
    if (!address || typeof address === 'string') throw new Error('upstream has no port');
    routes = writeRoutesFile('routes: []\n');
    gateway = await startGateway({
      natsUrl: nats.url,
      legacyUrl: `http://127.0.0.1:${address.port}`,
      databaseUrl: db.url,
      routesFile: routes.path,
      bucket: 'drain_routes',
    });
  }, 60_000);

  afterAll(async () => {
    if (gateway?.isRunning()) await gateway.stop('SIGKILL');
    await new Promise<void>((resolve) => upstream?.close(() => resolve()));
    await nats?.stop();
    routes?.remove();
    db?.remove();
  });

  it('finishes the request in flight, exits 0, and answers nothing during the drain with a 503 outside problem+json', async () => {
    const held = fetch(`${gateway.url}/held`, { signal: AbortSignal.timeout(15_000) });
    // Open connections on both listeners before the signal, as a busy client has them.
    expect((await fetch(`${gateway.url}/warm`)).status).toBe(200);
    expect((await fetch(`${gateway.adminUrl}/health/live`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    process.kill(gateway.pid, 'SIGTERM');

    const seen: Seen[] = [];
    const failures: Record<string, number> = {};
    // Until the process has exited: the admin listener's own close (Nest's, last) is probed too.
    let exited = false;
    void gateway.exited.then(() => (exited = true));
    const until = Date.now() + 10_000;
    for (let round = 0; round < 1_000 && !exited && Date.now() < until; round++) {
      for (const [listener, url] of [
        ['public', `${gateway.url}/during-drain`],
        ['admin', `${gateway.adminUrl}/health/live`],
      ] as const) {
        try {
          const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
          seen.push({
            listener,
            status: response.status,
            contentType: response.headers.get('content-type'),
            requestId: response.headers.get('x-request-id'),
            body: await response.text(),
          });
        } catch (error) {
          // A refused or closed connection: the client tries another replica.
          const code = String((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name);
          failures[`${listener} ${code}`] = (failures[`${listener} ${code}`] ?? 0) + 1;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    const finished = await held;
    expect({ status: finished.status, body: await finished.text() }).toEqual({ status: 200, body: 'from upstream' });
    expect(await gateway.exited).toBe(0);
    // The drain was reached while the loop ran: the admin listener answered during it.
    expect(seen.filter((answer) => answer.listener === 'admin').length).toBeGreaterThan(0);
    for (const answer of seen) {
      expect(answer.requestId).toBeTruthy();
      if (answer.status === 503) expect(answer.contentType).toBe('application/problem+json');
      else expect(answer.status).toBe(200);
    }
    process.stderr.write(
      `drain: ${seen.length} answers (${JSON.stringify(seen.reduce<Record<string, number>>((counts, answer) => ({ ...counts, [`${answer.listener} ${answer.status}`]: (counts[`${answer.listener} ${answer.status}`] ?? 0) + 1 }), {}))}), not answered: ${JSON.stringify(failures)}\n`,
    );
  }, 60_000);
});
