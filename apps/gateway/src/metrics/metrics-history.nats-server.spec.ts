import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startNatsServer, type NatsServerHandle } from '@offramp/testing';
import { Registry } from 'prom-client';
import { GatewayMetrics } from './gateway-metrics.js';
import { HISTORY_RETENTION_MS, MetricsHistory } from './metrics-history.js';
import { errorRate, latencyQuantileMs } from './minute-buckets.js';

// Per-minute history on a real nats-server's KV: what two replicas counted is read back summed,
// per minute, and is still there for a replica started later (a restart).
const T0 = Date.UTC(2026, 11, 2, 3, 0, 0);
const fail = (message: string): never => {
  throw new Error(message);
};

describe('per-minute metrics history in NATS KV', () => {
  let nats: NatsServerHandle;
  let nc: NatsConnection;
  let clock = T0;
  const now = () => clock;

  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connect({ servers: nats.url });
  }, 30_000);

  afterAll(async () => {
    await nc?.close();
    await nats?.stop();
  });

  it('sums every replica per minute and keeps it across a restart', async () => {
    const one = new MetricsHistory('spec_history', { now, flushIntervalMs: 60_000 });
    const two = new MetricsHistory('spec_history', { now, flushIntervalMs: 60_000 });
    await one.open(nc);
    await two.open(nc);

    clock = T0 + 5_000;
    for (let index = 0; index < 90; index++) one.request('GET /a', 'legacy', 200, 0.004);
    for (let index = 0; index < 10; index++) one.request('GET /a', 'legacy', 503, 0.2);
    two.request('GET /a', 'api', 200, 0.002);
    two.shadowComparison('GET /a', true);
    two.shadowComparison('GET /a', false);
    two.fallback('GET /a');
    two.request('GET /b', 'legacy', 0, 1.5);
    await Promise.all([one.flush(), two.flush()]);

    clock = T0 + 65_000; // the next minute: counted apart
    one.request('GET /a', 'legacy', 200, 0.004);
    await one.flush();

    const minutes = await two.route('GET /a', T0 - 3_600_000);
    expect(minutes.map((minute) => minute.at)).toEqual([T0, T0 + 60_000]);
    const [first, second] = minutes;
    const legacy = first?.backends['legacy'] ?? fail('no legacy minute');
    expect(first?.backends['legacy']?.requests).toBe(100);
    expect(first?.backends['legacy']?.statusClasses).toEqual([0, 90, 0, 0, 10, 0]);
    expect(errorRate(legacy)).toBeCloseTo(0.1);
    // 90 of 100 under 5 ms, the other 10 in the 100–250 ms bucket: p50 in the 2.5–5 ms bucket, p99 in the 100–250 ms one.
    expect(latencyQuantileMs(legacy, 0.5)).toBeGreaterThan(2.5);
    expect(latencyQuantileMs(legacy, 0.5)).toBeLessThanOrEqual(5);
    expect(latencyQuantileMs(legacy, 0.99)).toBeGreaterThan(100);
    expect(first?.backends['api']?.requests).toBe(1);
    expect(first?.shadow).toEqual({ samples: 2, matches: 1 });
    expect(first?.fallbacks).toBe(1);
    expect(second?.backends['legacy']?.requests).toBe(1);

    const totals = await one.totals(T0);
    expect(totals.map((minute) => [minute.at, minute.backends['legacy']?.requests, minute.backends['api']?.requests])).toEqual([
      [T0, 101, 1],
      [T0 + 60_000, 1, undefined],
    ]);
    expect(totals[0]?.backends['legacy']?.statusClasses[5]).toBe(1); // GET /b's broken-off request

    const perRoute = await one.perRoute(T0);
    expect([...perRoute.keys()].sort()).toEqual(['GET /a', 'GET /b']);
    expect(perRoute.get('GET /a')?.backends['legacy']?.requests).toBe(101);

    one.close();
    two.close();
    // A replica started later (the gateway restarted) reads what the others wrote.
    const restarted = new MetricsHistory('spec_history', { now });
    await restarted.open(nc);
    expect((await restarted.route('GET /a', T0)).map((minute) => minute.backends['legacy']?.requests)).toEqual([100, 1]);
    expect((await restarted.route('GET /a', T0 + 60_000)).map((minute) => minute.at)).toEqual([T0 + 60_000]);
    restarted.close();
  });

  it('writes a minute again when it counts more after a flush (each flush writes what changed since the last)', async () => {
    const history = new MetricsHistory('spec_history_rewrite', { now, flushIntervalMs: 60_000 });
    await history.open(nc);
    clock = T0 + 5_000;
    history.request('GET /d', 'legacy', 200, 0.004);
    await history.flush();
    clock = T0 + 6_000;
    history.request('GET /d', 'legacy', 200, 0.004);
    history.request('GET /d', 'legacy', 200, 0.004);
    await history.flush();
    expect((await history.route('GET /d', T0)).map((minute) => minute.backends['legacy']?.requests)).toEqual([3]);
    expect((await history.totals(T0)).map((minute) => minute.backends['legacy']?.requests)).toEqual([3]);
    history.close();
  });

  it("counts the slice's deferrals to the monolith in Prometheus only, not among the fallbacks the dashboard flags", async () => {
    const history = new MetricsHistory('spec_history_deferred', { now, flushIntervalMs: 60_000 });
    await history.open(nc);
    const registry = new Registry();
    const metrics = new GatewayMetrics(registry, undefined, history);
    clock = T0 + 5_000;
    metrics.fallback('GET /c', 'deferred');
    metrics.fallback('GET /c', 'deferred');
    metrics.fallback('GET /c', 'timeout');
    await history.flush();
    expect((await history.route('GET /c', T0)).map((minute) => minute.fallbacks)).toEqual([1]);
    const counted = (await registry.getSingleMetric('offramp_gateway_fallbacks_total')?.get())?.values.map((value) => [value.labels.reason, value.value]);
    expect(counted).toEqual([
      ['deferred', 2],
      ['timeout', 1],
    ]);
    history.close();
  });

  it('creates the bucket with a max age of 25 hours, so a day of minutes is kept and older ones go', async () => {
    const history = new MetricsHistory('spec_history_age', { now });
    await history.open(nc);
    const status = await (await new Kvm(nc).open('spec_history_age')).status();
    expect(status.ttl).toBe(HISTORY_RETENTION_MS);
    expect(status.history).toBe(1);
    history.close();
  });
});
