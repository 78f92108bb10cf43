import { Registry } from 'prom-client';
import { RequestTally } from './request-tally.js';

describe('RequestTally', () => {
  it('is scraped as a Prometheus counter and histogram per route and backend, with the registry default labels', async () => {
    const registry = new Registry();
    registry.setDefaultLabels({ service: 'gateway' });
    const tally = new RequestTally('requests_total', 'Requests', 'duration_seconds', 'Duration', [0.01, 0.1]);
    for (const metric of tally.metrics()) registry.registerMetric(metric);

    tally.observe('GET /a', 'legacy', 200, 0.005);
    tally.observe('GET /a', 'legacy', 204, 0.05);
    tally.observe('GET /a', 'legacy', 503, 0.5);
    tally.observe('GET /a', 'legacy', 0, 0.01);
    tally.observe('unmatched', 'api', 404, 0.1);
    const text = await registry.metrics();

    expect(text).toContain('# TYPE requests_total counter');
    expect(text).toContain('requests_total{route="GET /a",backend="legacy",status_class="2xx",service="gateway"} 2');
    expect(text).toContain('requests_total{route="GET /a",backend="legacy",status_class="5xx",service="gateway"} 1');
    expect(text).toContain('requests_total{route="GET /a",backend="legacy",status_class="error",service="gateway"} 1');
    expect(text).toContain('requests_total{route="unmatched",backend="api",status_class="4xx",service="gateway"} 1');
    expect(text).not.toContain('status_class="3xx"');
    expect(text).toContain('# TYPE duration_seconds histogram');
    // Buckets are cumulative and inclusive of their bound, as prom-client's own histogram.
    expect(text).toContain('duration_seconds_bucket{le="0.01",route="GET /a",backend="legacy",service="gateway"} 2');
    expect(text).toContain('duration_seconds_bucket{le="0.1",route="GET /a",backend="legacy",service="gateway"} 3');
    expect(text).toContain('duration_seconds_bucket{le="+Inf",route="GET /a",backend="legacy",service="gateway"} 4');
    expect(text).toMatch(/duration_seconds_sum\{route="GET \/a",backend="legacy",service="gateway"\} 0\.565\d*\n/);
    expect(text).toContain('duration_seconds_count{route="GET /a",backend="legacy",service="gateway"} 4');
    expect(text).toContain('duration_seconds_bucket{le="0.1",route="unmatched",backend="api",service="gateway"} 1');
  });
});
