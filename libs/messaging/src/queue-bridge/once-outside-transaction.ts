import { Semaphore } from '../consumer/semaphore.js';
import type { JetStreamContext } from '../consumer/jetstream.context.js';
import type { IdempotentConsumer, InboxKey } from '../inbox/idempotent-consumer.js';

/**
 * An effect that cannot commit with the inbox row (a mail over SMTP), done once per event unless
 * the process dies between the effect and its record. Check, effect and record take turns, one
 * event at a time per process: with them interleaved, a kill cut every effect accepted but not yet
 * recorded (up to the handler concurrency, and more while the SQLite group commit was behind), and
 * a redelivery that overtook its first delivery (the ack lost with a nats-server that died) passed
 * the check before the first one was recorded. Work that needs no turn (reading, rendering) goes
 * before `run`, so it stays concurrent.
 */
export class OnceOutsideTransaction {
  private readonly turn = new Semaphore(1);

  constructor(private readonly once: IdempotentConsumer) {}

  /** Resolves after the record committed; false when the inbox had the event already. */
  async run(key: JetStreamContext | InboxKey, effect: () => Promise<unknown>): Promise<boolean> {
    await this.turn.acquire();
    try {
      if (await this.once.has(key)) return false;
      await effect();
      await this.once.run(key, async () => undefined);
      return true;
    } finally {
      this.turn.release();
    }
  }
}
