import { createInbox, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/transport-node';

export interface StoredAck {
  stream: string;
  seq: number;
  duplicate: boolean;
}

export class JetStreamPublishError extends Error {
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
    this.name = 'JetStreamPublishError';
  }
}

interface Waiting {
  subject: string;
  deadline: number;
  timeoutMs: number;
  resolve: (ack: StoredAck) => void;
  reject: (error: Error) => void;
}

/**
 * JetStream publishes with their acks collected on one wildcard inbox subscription. Same
 * protocol as `js.publish()` (a core publish with a reply subject; the stream answers with a
 * PubAck), without nats.js's per-request bookkeeping, which builds an Error (and its stack)
 * for every request it settles: at thousands of events per second that was most of the cost.
 */
export class JetStreamAcks {
  private readonly prefix: string;
  private readonly waiting = new Map<string, Waiting>();
  private readonly subscription: Subscription;
  private sequence = 0;
  /** One timer for every waiting publish (a timer each cost more than the publish). */
  private sweeper?: NodeJS.Timeout;
  /**
   * Publishes issued during one run of the microtask queue go out together: nats.js flushes its
   * buffer in a microtask, so publishes from many promise chains would otherwise each cost a
   * socket write.
   */
  private outgoing: Array<{ token: string; subject: string; data: Uint8Array; headers: MsgHdrs }> = [];

  constructor(private readonly nc: NatsConnection) {
    // Under the connection's inbox prefix, which the server's permissions may require.
    this.prefix = createInbox((nc as { options?: { inboxPrefix?: string } }).options?.inboxPrefix);
    // Survives reconnects: nats.js re-subscribes it on the new server.
    this.subscription = nc.subscribe(`${this.prefix}.*`, { callback: (_error, message) => this.settle(message) });
  }

  publish(subject: string, data: Uint8Array, headers: MsgHdrs, timeoutMs: number): Promise<StoredAck> {
    const token = (++this.sequence).toString(36);
    return new Promise<StoredAck>((resolve, reject) => {
      this.waiting.set(token, { subject, deadline: Date.now() + timeoutMs, timeoutMs, resolve, reject });
      this.sweeper ??= setInterval(() => this.expire(), 50);
      if (this.outgoing.length === 0) process.nextTick(() => this.send());
      this.outgoing.push({ token, subject, data, headers });
    });
  }

  private send(): void {
    const batch = this.outgoing;
    this.outgoing = [];
    for (const { token, subject, data, headers } of batch) {
      try {
        this.nc.publish(subject, data, { reply: `${this.prefix}.${token}`, headers });
      } catch (error) {
        const entry = this.waiting.get(token);
        this.waiting.delete(token);
        entry?.reject(error as Error);
      }
    }
  }

  private expire(): void {
    const now = Date.now();
    for (const [token, entry] of this.waiting) {
      if (entry.deadline > now) continue;
      this.waiting.delete(token);
      entry.reject(new JetStreamPublishError(`no JetStream ack for ${entry.subject} within ${entry.timeoutMs} ms`));
    }
    if (this.waiting.size === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  close(): void {
    this.subscription.unsubscribe();
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    for (const [token, entry] of this.waiting) {
      entry.reject(new JetStreamPublishError('publisher closed'));
      this.waiting.delete(token);
    }
  }

  private settle(message: Msg): void {
    const token = message.subject.slice(this.prefix.length + 1);
    const entry = this.waiting.get(token);
    if (!entry) return; // timed out already
    this.waiting.delete(token);
    if (message.data.length === 0 && message.headers?.code === 503) {
      return entry.reject(new JetStreamPublishError('no stream listens on this subject (no responders)', 503));
    }
    try {
      const ack = message.json<{ stream?: string; seq?: number; duplicate?: boolean; error?: { code: number; description: string } }>();
      if (ack.error) return entry.reject(new JetStreamPublishError(ack.error.description, ack.error.code));
      if (!ack.stream || typeof ack.seq !== 'number') return entry.reject(new JetStreamPublishError('invalid JetStream ack'));
      entry.resolve({ stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate === true });
    } catch (error) {
      entry.reject(new JetStreamPublishError(`invalid JetStream ack: ${(error as Error).message}`));
    }
  }
}
