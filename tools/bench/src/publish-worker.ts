// Worker thread of bench:events: the end-to-end run's publisher, on its own event loop (as a
// publishing service would be its own process), so the consumer's loop does consumer work only.
import { parentPort, workerData } from 'node:worker_threads';
import { Logger } from '@nestjs/common';
import { EventPublisher, NatsConnectionManager } from '@offramp/messaging';

Logger.overrideLogger(['warn', 'error']);
const { url, count, subject, window } = workerData as { url: string; count: number; subject: string; window: number };
const nats = new NatsConnectionManager({ url, name: 'bench-e2e-publisher' });
const nc = await nats.connected();
const publisher = new EventPublisher(() => nc);
// Loaded and connected: the clock starts when the main thread says go.
await new Promise<void>((resolve) => {
  parentPort?.once('message', () => resolve());
  parentPort?.postMessage('ready');
});
let next = 0;
const worker = async () => {
  while (next < count) {
    const n = next++;
    const payload = {
      order_id: n + 1,
      user_id: 3,
      status: 'pending',
      total_cents: 2598,
      currency: 'EUR',
      items: [{ product_id: 5, quantity: 2, unit_price_cents: 1299 }],
      placed_at: '2026-01-31T12:00:00.123456Z',
    };
    await publisher.publish(subject, payload); // the publisher's own ids: UUIDv7
  }
};
await Promise.all(Array.from({ length: window }, worker));
await nats.close();
parentPort?.postMessage('published');
