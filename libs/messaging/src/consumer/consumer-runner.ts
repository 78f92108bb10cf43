import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@nestjs/common';
import type { ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { validateEvent } from '@offramp/contracts';
import type { ResolvedConsumer } from '../jetstream/definitions.js';
import { fromHeaders } from '../jetstream/event-headers.js';
import { tracedConsume } from '../tracing/message-trace.js';
import { type Backoff, exponentialBackoff, linearBackoff } from '../retry/backoff.js';
import { publishDeadLetter } from './dead-letter.js';
import { JetStreamContext } from './jetstream.context.js';
import { RetryLaterError } from './retry-later.error.js';
import { Semaphore } from './semaphore.js';

/** Runs one message through the service's handler; rejects when the handler fails. */
export type Dispatch = (subject: string, data: unknown, context: JetStreamContext) => Promise<void>;
export type HasHandler = (subject: string) => boolean;

export interface ConsumerOutcomeListener {
  (outcome: 'acked' | 'nacked' | 'dead-lettered' | 'timed-out', subject: string, consumer: string): void;
}

const PULL_BACKOFF = linearBackoff({ stepMs: 250, maxMs: 5_000 });

class HandlerTimeoutError extends Error {
  constructor(ms: number) {
    super(`handler did not finish within ${ms} ms`);
    this.name = 'HandlerTimeoutError';
  }
}

/**
 * One durable pull consumer: pulls, runs at most `concurrency` handlers at once, and settles
 * every message exactly one way: ack after the handler resolved; nak with exponential backoff
 * when it threw or hung; dead-letter + term on the last delivery or an invalid payload.
 */
interface Running {
  message: JsMsg;
  deadline: number;
  abandon: (error: Error) => void;
}

export class ConsumerRunner {
  private readonly slots: Semaphore;
  private readonly running = new Set<Running>();
  private sweeper?: NodeJS.Timeout;
  /** Acks of one microtask run are sent together (one socket write, not one per message). */
  private acks: JsMsg[] = [];
  private stopped = false;
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;
  /** The nak delay after a failed delivery: `backoffBaseMs · 2^(n-1)`, capped at `backoffMaxMs`. */
  private readonly redeliveryBackoff: Backoff;

  constructor(
    private readonly js: JetStreamClient,
    private readonly consumer: ResolvedConsumer,
    private readonly dispatch: Dispatch,
    private readonly hasHandler: HasHandler,
    private readonly logger: Logger,
    private readonly onOutcome?: ConsumerOutcomeListener,
  ) {
    this.slots = new Semaphore(consumer.concurrency);
    this.redeliveryBackoff = exponentialBackoff({ firstMs: consumer.backoffBaseMs, maxMs: consumer.backoffMaxMs });
  }

  get inFlight(): number {
    return this.slots.inUse;
  }

  start(): void {
    // One timer for all running handlers, not two per message: it sends the keep-alives and
    // abandons handlers past their deadline.
    const period = Math.max(50, Math.min(Math.floor(this.consumer.ackWaitMs / 3), Math.floor(this.consumer.handlerTimeoutMs / 4), 5_000));
    this.sweeper ??= setInterval(() => this.sweep(), period);
    this.loop ??= this.pullForever();
  }

  private sweep(): void {
    const now = Date.now();
    for (const entry of this.running) {
      if (now >= entry.deadline) {
        this.running.delete(entry);
        entry.abandon(new HandlerTimeoutError(this.consumer.handlerTimeoutMs));
      } else {
        entry.message.working();
      }
    }
  }

  /** Stops pulling, hands back what was pulled but not started, waits for running handlers. */
  async stop(timeoutMs: number): Promise<boolean> {
    this.stopped = true;
    await this.messages?.close().catch(() => undefined);
    const idle = await this.slots.idle(timeoutMs);
    clearInterval(this.sweeper);
    await Promise.race([this.loop, sleep(Math.min(timeoutMs, 1_000))]);
    return idle;
  }

  private async pullForever(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        const consumer = await this.js.consumers.get(this.consumer.stream, this.consumer.durable);
        // Twice the handler slots: the next pull is on its way while the slots are busy.
        this.messages = await consumer.consume({ max_messages: this.consumer.concurrency * 2, expires: this.consumer.pullExpiresMs });
        if (this.stopped) await this.messages.close();
        failures = 0;
        for await (const message of this.messages) {
          if (this.stopped) {
            this.handBack(message);
            continue;
          }
          if (!this.slots.tryAcquire()) await this.slots.acquire();
          if (this.stopped) {
            this.slots.release();
            this.handBack(message);
            continue;
          }
          void this.handle(message).finally(() => this.slots.release());
        }
      } catch (error) {
        if (this.stopped) break;
        failures += 1;
        this.logger.warn(`consumer ${this.consumer.durable}: ${(error as Error).message}; pulling again`);
        await sleep(PULL_BACKOFF(failures));
      }
    }
  }

  private async handle(message: JsMsg): Promise<void> {
    const info = message.info; // a getter that parses the reply subject on every call
    const deliveries = info.deliveryCount;
    const subject = message.subject;
    if (!this.hasHandler(subject)) return this.deadLetter(message, `no handler for ${subject} in consumer ${this.consumer.durable}`);
    let data: unknown;
    try {
      data = message.data.length ? message.json() : undefined;
    } catch (error) {
      return this.deadLetter(message, `payload is not JSON: ${(error as Error).message}`);
    }
    if (this.consumer.validatePayloads) {
      const check = validateEvent(subject, data);
      if (check.ok === false) return this.deadLetter(message, `payload does not match the schema of ${subject}: ${check.reason}`);
    }
    const metadata = fromHeaders(message.headers, `${info.stream}:${info.streamSequence}`);
    const context = new JetStreamContext([message, metadata, this.consumer.durable, deliveries]);

    // Keep-alive and deadline: the sweeper tells the server a long handler is still working
    // so the message is not handed to someone else, and abandons it at the deadline.
    const entry: Running = { message, deadline: Date.now() + this.consumer.handlerTimeoutMs, abandon: () => undefined };
    this.running.add(entry);
    try {
      // A consumer span, child of the publish that sent the message (its traceparent header). One
      // promise settled by the handler or by the sweeper's abandon, not a race of two.
      await tracedConsume(
        subject,
        this.consumer.durable,
        metadata,
        () =>
          new Promise<void>((resolve, reject) => {
            entry.abandon = reject;
            this.dispatch(subject, data, context).then(resolve, reject);
          }),
      );
      this.running.delete(entry);
      this.ack(message);
      this.onOutcome?.('acked', subject, this.consumer.durable);
    } catch (error) {
      this.running.delete(entry);
      const reason = (error as Error)?.message ?? String(error);
      if (deliveries >= this.consumer.maxDeliver) {
        return this.deadLetter(message, `failed on delivery ${deliveries} of ${this.consumer.maxDeliver}: ${reason}`);
      }
      const delay = error instanceof RetryLaterError ? error.delayMs : this.redeliveryBackoff(deliveries);
      this.logger.warn(`${subject} (${context.getEventId()}) failed on delivery ${deliveries}: ${reason}; retry in ${delay} ms`);
      message.nak(delay);
      this.onOutcome?.(error instanceof HandlerTimeoutError ? 'timed-out' : 'nacked', subject, this.consumer.durable);
    }
  }

  /**
   * Pulled but never started, at shutdown. The server keeps our pull request open until it
   * expires and would redeliver into it (a closed inbox, then ack wait); so the message comes
   * back just after that, to whichever replica pulls then.
   */
  private handBack(message: JsMsg): void {
    message.nak(this.consumer.pullExpiresMs + 500);
  }

  private ack(message: JsMsg): void {
    if (this.acks.length === 0) {
      process.nextTick(() => {
        const batch = this.acks;
        this.acks = [];
        for (const pending of batch) pending.ack();
      });
    }
    this.acks.push(message);
  }

  private async deadLetter(message: JsMsg, reason: string): Promise<void> {
    const keepAlive = setInterval(() => message.working(), Math.max(100, Math.floor(this.consumer.ackWaitMs / 3)));
    try {
      for (let attempt = 1; ; attempt += 1) {
        try {
          await publishDeadLetter(this.js, message, this.consumer.durable, reason);
          break;
        } catch (error) {
          if (attempt >= 5 || this.stopped) throw error;
          await sleep(200 * attempt);
        }
      }
      // No reason argument: servers before 2.10.4 ignore '+TERM <reason>' (the copy carries it).
      message.term();
      this.logger.error(`${message.subject} seq ${message.info.streamSequence} dead-lettered: ${reason}`);
      this.onOutcome?.('dead-lettered', message.subject, this.consumer.durable);
    } catch (error) {
      // Not stored in the dead-letter stream: leave it to a redelivery rather than lose it.
      this.logger.error(`dead-lettering ${message.subject} seq ${message.info.streamSequence} failed: ${(error as Error).message}`);
      message.nak(this.consumer.backoffBaseMs);
    } finally {
      clearInterval(keepAlive);
    }
  }
}
