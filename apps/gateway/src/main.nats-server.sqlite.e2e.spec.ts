import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeServiceFoundation } from '@offramp/testing';

// The gateway sends every route it does not serve itself to the monolith, so "unknown routes"
// are the monolith's answer: here a plain HTTP server on loopback answering 404 problem+json the
// way a JSON route of the monolith does. The gateway signs identity tokens: it needs their key.
const monolith = createServer((_req, res) => {
  res.writeHead(404, { 'content-type': 'application/problem+json' });
  res.end(JSON.stringify({ type: 'about:blank', title: 'Not Found', status: 404 }));
});
await new Promise<void>((resolve) => monolith.listen(0, '127.0.0.1', resolve));
afterAll(() => {
  monolith.closeAllConnections();
  monolith.close();
});

// Health and metrics are on the gateway's admin listener; its public port only proxies.
describeServiceFoundation(
  'gateway',
  {
    IDENTITY_TOKEN_SECRET: 'foundation-test-secret-0123456789abcdef',
    LEGACY_URL: `http://127.0.0.1:${(monolith.address() as AddressInfo).port}`,
  },
  { adminPortVariable: 'GATEWAY_ADMIN_PORT' },
);
