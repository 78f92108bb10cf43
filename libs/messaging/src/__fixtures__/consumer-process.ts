// Test fixture: a consumer as its own process, so a test can kill -9 it mid-batch.
//   NATS_URL, DATABASE_URL, DURABLE, DELAY_MS
import { startEffectsConsumer } from './effects-consumer.js';

const consumer = await startEffectsConsumer({
  natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  databaseUrl: process.env.DATABASE_URL ?? '',
  consumer: {
    stream: 'TEST_EVENTS',
    durable: process.env.DURABLE ?? 'effects',
    filterSubjects: ['test.effects.recorded.v1'],
    ackWaitMs: Number(process.env.ACK_WAIT_MS ?? 2_000),
    concurrency: 8,
  },
  behaviour: { delayMs: Number(process.env.DELAY_MS ?? 0) },
});
process.stdout.write('consumer ready\n');
process.once('SIGTERM', () => void consumer.close().then(() => process.exit(0)));
