import {
  freePort,
  startFakeCarrier,
  startLegacyApp,
  startNatsServer,
  startService,
  type FakeCarrier,
  type LegacyApp,
  type NatsServerHandle,
  type ServiceProcess,
} from '@offramp/testing';

/** Services start slowly on a machine shared with other work: generous, never a timing assertion. */
const STARTUP_TIMEOUT_MS = 60_000;

/**
 * The quote from the monolith (blocking cURL) and from the slice against the same fake carrier (a
 * real HTTP server on loopback): the same statuses and JSON for every case; then what only the
 * slice does: the circuit breaker answers "unavailable" at once while open, and identical quotes
 * come from the short cache.
 */
describe('GET /api/shipping/quote from the monolith and from the slice (real Laravel, fake carrier)', () => {
  let nats: NatsServerHandle;
  let carrier: FakeCarrier;
  let legacy: LegacyApp;
  let slice: ServiceProcess;
  const env = (carrierUrl: string, extra: Record<string, string> = {}) => ({
    NATS_URL: nats.url,
    LOG_LEVEL: 'warn',
    CARRIER_BASE_URL: carrierUrl,
    CARRIER_TIMEOUT_MS: '500',
    QUOTE_CACHE_TTL_MS: '0',
    ...extra,
  });

  beforeAll(async () => {
    nats = await startNatsServer();
    carrier = await startFakeCarrier();
    legacy = await startLegacyApp({ env: { APP_DEBUG: 'false', CARRIER_BASE_URL: carrier.url, CARRIER_TIMEOUT_MS: '500' } });
    slice = await startService({ app: 'integrations', timeoutMs: STARTUP_TIMEOUT_MS, env: env(carrier.url) });
  }, 120_000);

  afterAll(async () => {
    await slice?.stop('SIGTERM');
    await legacy?.close();
    await carrier?.close();
    await nats?.stop();
  });

  const get = async (baseUrl: string, query: string) => {
    const response = await fetch(`${baseUrl}/api/shipping/quote${query}`, { headers: { accept: 'application/json' } });
    return { status: response.status, contentType: response.headers.get('content-type'), body: await response.text() };
  };

  it.each([
    ['a quote', '?zip=10115&weight=1200'],
    ['a heavy parcel, zip with a space and a dash', '?zip=SW1A%201-AA&weight=70000'],
    ['spaces trimmed', '?zip=%2010115%20&weight=%20500'],
    ['carrier timeout', '?zip=00000&weight=100'],
    ['carrier 5xx', '?zip=99999&weight=100'],
    ['carrier garbage', '?zip=88888&weight=100'],
    ['nothing given', ''],
    ['both invalid', '?zip=1&weight=-5'],
    ['zip too long', '?zip=12345678901&weight=10'],
    ['weight not an integer', '?zip=10115&weight=12.5'],
    ['weight too heavy', '?zip=10115&weight=70001'],
    ['zip an array', '?zip[]=10115&weight=10'],
    ['empty values', '?zip=&weight='],
  ])('%s: same status and body', async (_name, query) => {
    const [monolith, ours] = await Promise.all([get(legacy.url, query), get(slice.url, query)]);
    expect(ours).toEqual(monolith);
  });

  it('answers a carrier that resets the connection as the monolith does (cURL words aside)', async () => {
    carrier.settings.fail = 'reset';
    try {
      const [monolith, ours] = await Promise.all([get(legacy.url, '?zip=10115&weight=10'), get(slice.url, '?zip=10115&weight=10')]);
      expect(ours.status).toBe(monolith.status);
      const [m, o] = [JSON.parse(monolith.body), JSON.parse(ours.body)];
      expect(Object.keys(o)).toEqual(Object.keys(m));
      expect(o.error).toBe(m.error);
      expect(o.message).toMatch(/^Carrier unreachable: /);
    } finally {
      carrier.settings.fail = 'none';
    }
  });

  it('opens the circuit after repeated carrier failures and answers unavailable at once, then closes after a good probe', async () => {
    const own = await startFakeCarrier({ fail: 'http_500' });
    const guarded = await startService({
      app: 'integrations',
      timeoutMs: STARTUP_TIMEOUT_MS,
      env: env(own.url, { CARRIER_RETRIES: '1', CARRIER_BREAKER_FAILURES: '3', CARRIER_BREAKER_COOLDOWN_MS: '300' }),
    });
    try {
      for (let i = 0; i < 3; i += 1) expect((await get(guarded.url, `?zip=10115&weight=${i + 1}`)).status).toBe(502);
      expect(own.requests).toBe(6); // each failure tried twice (one retry)
      const open = await get(guarded.url, '?zip=10115&weight=9');
      expect(open.status).toBe(502);
      expect(JSON.parse(open.body)).toEqual({ message: 'Carrier unreachable: circuit open after repeated failures.', error: 'carrier_unavailable' });
      expect(own.requests).toBe(6); // not asked while open
      own.settings.fail = 'none';
      await new Promise((resolve) => setTimeout(resolve, 350));
      expect((await get(guarded.url, '?zip=10115&weight=9')).status).toBe(200);
      expect((await get(guarded.url, '?zip=10115&weight=10')).status).toBe(200);
      expect(own.requests).toBe(8);
    } finally {
      await guarded.stop('SIGTERM');
      await own.close();
    }
  }, 60_000);

  it('serves identical quotes from the short cache (key: zip and grams), never errors', async () => {
    const own = await startFakeCarrier();
    const cached = await startService({ app: 'integrations', timeoutMs: STARTUP_TIMEOUT_MS, env: env(own.url, { QUOTE_CACHE_TTL_MS: '60000' }) });
    try {
      const first = await get(cached.url, '?zip=10115&weight=1200');
      expect(await get(cached.url, '?zip=%2010115&weight=1200')).toEqual(first);
      expect(own.requests).toBe(1);
      await get(cached.url, '?zip=10115&weight=1201');
      await get(cached.url, '?zip=99999&weight=1');
      await get(cached.url, '?zip=99999&weight=1');
      expect(own.requests).toBe(1 + 1 + 2 * 2); // a 5xx is retried once and never cached
    } finally {
      await cached.stop('SIGTERM');
      await own.close();
    }
  }, 60_000);

  it('says the carrier is unreachable when nothing listens', async () => {
    const dead = await startService({
      app: 'integrations',
      timeoutMs: STARTUP_TIMEOUT_MS,
      env: env(`http://127.0.0.1:${await freePort()}`, { CARRIER_RETRIES: '0' }),
    });
    try {
      const answer = await get(dead.url, '?zip=10115&weight=10');
      expect(answer.status).toBe(502);
      expect(JSON.parse(answer.body)).toMatchObject({
        error: 'carrier_unavailable',
        message: expect.stringMatching(/^Carrier unreachable: Failed to connect to 127\.0\.0\.1 port \d+ after \d+ ms: Couldn't connect to server$/),
      });
    } finally {
      await dead.stop('SIGTERM');
    }
  }, 60_000);
});
