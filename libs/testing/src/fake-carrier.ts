import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The shipping carrier's rate API, faked: a real HTTP server on loopback (the carrier is a third
 * party). `GET /rates?zip=&weight_grams=` answers as the monolith's PHP fixture does
 * (apps/legacy/tests/fixtures/carrier.php): zip 00000 answers after 3 s, 99999 with HTTP 500, 88888
 * with a body that is not JSON; any other zip gets ground and express rates from the weight.
 * On top, for tests, the bench and the local stack: a latency for every answer, and failure modes
 * for all requests at once (`fail`), switchable at run time in process or over
 * `POST /_fake/settings` `{"latencyMs":50,"fail":"none"}`.
 */
export type CarrierFailure = 'none' | 'http_500' | 'garbage' | 'hang' | 'reset';

export interface FakeCarrierSettings {
  latencyMs: number;
  fail: CarrierFailure;
}

export interface FakeCarrier {
  url: string;
  port: number;
  settings: FakeCarrierSettings;
  /** Rate requests answered or cut so far. */
  readonly requests: number;
  close(): Promise<void>;
}

const FAILURES: readonly CarrierFailure[] = ['none', 'http_500', 'garbage', 'hang', 'reset'];

/** The fixture's prices: 3.99 + 1.00 per started 500 g; express is twice that plus a cent. */
export function carrierRates(zip: string, grams: number) {
  const base = 399 + Math.ceil(grams / 500) * 100;
  return {
    currency: 'USD',
    zip,
    rates: [
      { service: 'ground', amount_cents: base, days: 5 },
      { service: 'express', amount_cents: base * 2 + 1, days: 1 },
    ],
  };
}

export async function startFakeCarrier(options: { port?: number; host?: string; latencyMs?: number; fail?: CarrierFailure } = {}): Promise<FakeCarrier> {
  const settings: FakeCarrierSettings = { latencyMs: options.latencyMs ?? 0, fail: options.fail ?? 'none' };
  let requests = 0;
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, work: () => void) => {
    if (ms <= 0) return work();
    const timer = setTimeout(() => {
      timers.delete(timer);
      work();
    }, ms);
    timers.add(timer);
  };
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://carrier');
    const json = (status: number, body: string) => {
      if (response.destroyed) return;
      response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    };
    if (url.pathname === '/health') return json(200, '{"status":"ok"}');
    if (url.pathname === '/_fake/settings' && request.method === 'POST') {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        try {
          const wanted = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Partial<FakeCarrierSettings>;
          if (wanted.latencyMs !== undefined && (!Number.isInteger(wanted.latencyMs) || wanted.latencyMs < 0)) throw new Error('latencyMs');
          if (wanted.fail !== undefined && !FAILURES.includes(wanted.fail)) throw new Error('fail');
          Object.assign(settings, wanted);
          json(200, JSON.stringify(settings));
        } catch (error) {
          json(400, JSON.stringify({ error: `invalid ${(error as Error).message}` }));
        }
      });
      return;
    }
    if (url.pathname !== '/rates' || request.method !== 'GET') return json(404, '{"error":"not_found"}');
    requests += 1;
    const zip = url.searchParams.get('zip') ?? '';
    const grams = Number.parseInt(url.searchParams.get('weight_grams') ?? '0', 10) || 0;
    const fail = settings.fail;
    if (fail === 'reset') return void request.socket.destroy();
    if (fail === 'hang') return; // the client's timeout ends it (or close())
    later(settings.latencyMs + (zip === '00000' ? 3_000 : 0), () => {
      if (fail === 'http_500' || zip === '99999') return json(500, '{"error":"carrier_down"}');
      if (fail === 'garbage' || zip === '88888') return json(200, 'not json');
      json(200, JSON.stringify(carrierRates(zip, grams)));
    });
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    settings,
    get requests() {
      return requests;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
