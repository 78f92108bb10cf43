import { startFakeCarrier } from './fake-carrier.js';

/**
 * The fake carrier as a process, for `npm start` (tools/stack) and by hand:
 *   FAKE_CARRIER_PORT (9400), FAKE_CARRIER_LATENCY_MS (0)
 */
const port = Number(process.env.FAKE_CARRIER_PORT ?? process.env.PORT ?? 9400);
const latencyMs = Number(process.env.FAKE_CARRIER_LATENCY_MS ?? 0);
if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`FAKE_CARRIER_PORT: expected a port, got ${process.env.FAKE_CARRIER_PORT}`);
if (!Number.isInteger(latencyMs) || latencyMs < 0)
  throw new Error(`FAKE_CARRIER_LATENCY_MS: expected milliseconds, got ${process.env.FAKE_CARRIER_LATENCY_MS}`);

const carrier = await startFakeCarrier({ port, latencyMs });
process.stderr.write(`fake carrier: listening on ${carrier.url} (latency ${latencyMs} ms)\n`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void carrier.close().then(() => process.exit(0)));
