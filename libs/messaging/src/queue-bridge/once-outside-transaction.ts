import { Semaphore } from '../consumer/semaphore.js';
import type { JetStreamContext } from '../consumer/jetstream.context.js';
import type { IdempotentConsumer, InboxKey } from '../inbox/idempotent-consumer.js';

/**
 * An effect made ready ahead of its turn, whose last step alone makes it happen: a mail whose
 * envelope and body are on the wire already, short of the final dot the server accepts it on.
 */
export interface PreparedEffect {
  /** Makes the effect happen; resolves once it did (the server's 250). */
  complete(): Promise<unknown>;
  /** Drops it without effect (the connection closed before the final dot); never rejects. */
  abandon(): Promise<void>;
}

/**
 * An effect that cannot commit with the inbox row (a mail over SMTP), done once per event unless
 * the process dies between the effect and its record. The last step of the effect and its record
 * take turns, one event at a time per process, with the inbox checked inside the turn: with them
 * interleaved, a kill cut every effect accepted but not yet recorded (up to the handler
 * concurrency, and more while the SQLite group commit was behind), and a redelivery that overtook
 * its first delivery (the ack lost with a nats-server that died) passed the check before the first
 * one was recorded. Everything before that last step (reading, rendering, the SMTP envelope and
 * body) is prepared outside the turn, concurrently, so the turn holds one server reply and one
 * commit.
 */
export class OnceOutsideTransaction {
  private readonly turn = new Semaphore(1);

  constructor(private readonly once: IdempotentConsumer) {}

  /** Resolves after the record committed; false when the inbox had the event already. */
  async run(key: JetStreamContext | InboxKey, effect: () => Promise<unknown>): Promise<boolean> {
    return this.runPrepared(key, async () => ({ complete: effect, abandon: async () => undefined }));
  }

  /**
   * `prepare` runs at once; its effect is completed (or abandoned, when the inbox has the event by
   * then) in this process's turn, and recorded before the turn passes on.
   */
  async runPrepared(key: JetStreamContext | InboxKey, prepare: () => Promise<PreparedEffect>): Promise<boolean> {
    const effect = await prepare();
    let completed = false;
    await this.turn.acquire();
    try {
      if (await this.once.has(key)) return false;
      completed = true;
      await effect.complete();
      await this.once.run(key, async () => undefined);
      return true;
    } finally {
      this.turn.release();
      if (!completed) await effect.abandon();
    }
  }
}
