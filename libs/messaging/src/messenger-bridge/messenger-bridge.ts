import { setTimeout as sleep } from 'node:timers/promises';
import type { JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { Logger } from '@nestjs/common';
import { decodeMessengerBody, messengerBodyClass, MessengerMessageError } from '@offramp/legacy-bridge';
import { DEAD_LETTER_SUBJECT_PREFIX } from '../jetstream/definitions.js';
import { EventHeader } from '../jetstream/event-headers.js';
import { type EventPublisher, InvalidEventPayloadError } from '../publisher/event-publisher.js';
import { exponentialBackoff } from '../retry/backoff.js';
import { type BridgedMessageClass, messengerMessageId, symfonyMessageMeta } from './bridged-message.js';
import type { MessengerMessagesTable, MessengerRow } from './messenger-messages-table.js';

export interface MessengerBridgeSettings {
  table: MessengerMessagesTable;
  publisher: EventPublisher;
  /** Where unreadable rows are copied (`dlq.messenger-bridge`) before they leave the table. */
  js: JetStreamClient;
  messages: readonly BridgedMessageClass[];
  /** The queue_name of the app's Offramp transport (`doctrine://default?queue_name=offramp`). */
  queue?: string;
  /** That transport's name in messenger.yaml: SentToFailureTransportStamp names it. */
  transport?: string;
  /** The queue_name PHP's workers consume (`messenger:consume async`): a class not taken over goes there. */
  phpQueue?: string;
  /** The transport's redeliver_timeout: a claim older than this is taken again (a crashed bridge). */
  redeliverTimeoutSeconds?: number;
  batchSize?: number;
  idlePollMs?: [min: number, max: number];
  publishTimeoutMs?: number;
}

export const MESSENGER_DEAD_LETTER_CONSUMER = 'messenger-bridge';
const FAILURE_BACKOFF = exponentialBackoff({ firstMs: 200, maxMs: 5_000 });

type Outcome = 'bridged' | 'released' | 'handed-to-php' | { unreadable: string };

/**
 * Drains the Symfony app's Offramp transport (rows of messenger_messages) into JetStream, so
 * taken-over Messenger messages run in Node while PHP dispatches them as before. Each claimed row
 * is decoded (PhpSerializer body, only the envelope's stamps and the class's allowed classes),
 * published on its class's subject with a stable Nats-Msg-Id, and deleted only after JetStream
 * acknowledged it: a crash in between leaves it claimed, it is taken again after
 * redeliver_timeout and the inbox drops the second copy. A class not taken over is moved to PHP's
 * queue, never dropped; a body that cannot be read is copied to the dead-letter stream with the
 * reason, then removed, so it blocks nothing (in the failure transport it would break
 * messenger:failed:show, which cannot decode it either).
 */
export class MessengerBridge {
  private readonly logger = new Logger('MessengerBridge');
  private readonly classes: Map<string, BridgedMessageClass>;
  private readonly queue: string;
  private readonly transport: string;
  private stopped = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(private readonly settings: MessengerBridgeSettings) {
    this.classes = new Map(settings.messages.map((message) => [message.phpClass, message]));
    this.queue = settings.queue ?? 'offramp';
    this.transport = settings.transport ?? 'offramp';
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const [minIdle, maxIdle] = this.settings.idlePollMs ?? [5, 250];
    let idle = minIdle;
    let failures = 0;
    while (!this.stopped) {
      try {
        const count = await this.drainOnce();
        failures = 0;
        if (count > 0) {
          idle = minIdle;
          continue;
        }
        await this.pause(idle);
        idle = Math.min(maxIdle, idle * 2);
      } catch (error) {
        failures += 1;
        const delay = FAILURE_BACKOFF(failures);
        this.logger.warn(`draining Messenger queue ${this.queue} failed: ${(error as Error).message}; again in ${delay} ms`);
        await this.pause(delay);
      }
    }
  }

  private async pause(ms: number): Promise<void> {
    const controller = new AbortController();
    this.wake = () => controller.abort();
    await sleep(ms, undefined, { signal: controller.signal }).catch(() => undefined);
    this.wake = undefined;
  }

  /** One batch: claim, hand on, settle each row one way. Resolves with how many rows it claimed. */
  async drainOnce(): Promise<number> {
    const { table } = this.settings;
    const rows = await table.claim(this.queue, this.settings.batchSize ?? 100, this.settings.redeliverTimeoutSeconds ?? 3600);
    if (rows.length === 0) return 0;
    const outcomes = await Promise.all(rows.map((row) => this.handOn(row).then((outcome) => [row, outcome] as const)));
    await table.delete(outcomes.filter(([, outcome]) => outcome === 'bridged').map(([row]) => row.id));
    for (const [row, outcome] of outcomes) {
      if (outcome === 'handed-to-php') await table.moveToQueue(row.id, this.settings.phpQueue ?? 'default');
      else if (typeof outcome === 'object') {
        // Not stored: left claimed, taken again after redeliver_timeout instead of spinning on it.
        if (await this.deadLetter(row, outcome.unreadable)) await table.delete([row.id]);
      }
    }
    const released = outcomes.filter(([, outcome]) => outcome === 'released').map(([row]) => row.id);
    if (released.length > 0) {
      await table.release(released);
      throw new Error(`${released.length} of ${rows.length} messages not acknowledged by JetStream; released`);
    }
    return rows.length;
  }

  private async handOn(row: MessengerRow): Promise<Outcome> {
    const phpClass = messengerBodyClass(row.body);
    const bridged = phpClass === undefined ? undefined : this.classes.get(phpClass);
    if (phpClass !== undefined && !bridged) {
      const phpQueue = this.settings.phpQueue ?? 'default';
      this.logger.warn(`Messenger message ${row.id} of class ${phpClass} is not taken over by Offramp: moved to queue ${phpQueue} for PHP's workers`);
      return 'handed-to-php';
    }
    try {
      const envelope = decodeMessengerBody(row.body, [...this.classes.keys()], bridged?.allowedClasses ?? []);
      const handler = this.classes.get(envelope.messageClass);
      if (!handler) throw new MessengerMessageError('not_an_envelope', `the body names ${phpClass ?? 'no class'} but holds a ${envelope.messageClass}`);
      const message = { message: symfonyMessageMeta(row, envelope, this.transport), ...handler.fields(envelope.message) };
      try {
        await this.settings.publisher.publish(handler.subject, message, { eventId: messengerMessageId(row), timeoutMs: this.settings.publishTimeoutMs });
      } catch (error) {
        if (error instanceof InvalidEventPayloadError) throw error;
        this.logger.warn(`Messenger message ${row.id}: ${(error as Error).message}`);
        return 'released';
      }
      return 'bridged';
    } catch (error) {
      if (!(error instanceof MessengerMessageError) && !(error instanceof InvalidEventPayloadError)) throw error;
      const reason = error instanceof MessengerMessageError ? `${error.code}: ${error.message}` : `invalid_message: ${error.message}`;
      this.logger.error(
        `Messenger message ${row.id} on queue ${row.queueName} cannot be run: ${reason}; copied to ${DEAD_LETTER_SUBJECT_PREFIX}.${MESSENGER_DEAD_LETTER_CONSUMER}`,
      );
      return { unreadable: reason };
    }
  }

  /** Stores the row in the dead-letter stream; false when JetStream did not acknowledge it (the row stays). */
  private async deadLetter(row: MessengerRow, reason: string): Promise<boolean> {
    const h = natsHeaders();
    h.set(EventHeader.deadLetterReason, reason.slice(0, 1_000).replace(/[\r\n]+/g, ' '));
    h.set(EventHeader.originalSubject, `messenger_messages.${row.queueName}`);
    h.set(EventHeader.consumer, MESSENGER_DEAD_LETTER_CONSUMER);
    try {
      await this.settings.js.publish(
        `${DEAD_LETTER_SUBJECT_PREFIX}.${MESSENGER_DEAD_LETTER_CONSUMER}`,
        JSON.stringify({ id: row.id, queue_name: row.queueName, body: row.body, headers: row.headers }),
        {
          msgID: messengerMessageId(row),
          headers: h,
          timeout: this.settings.publishTimeoutMs ?? 5_000,
        },
      );
      return true;
    } catch (error) {
      this.logger.warn(`Messenger message ${row.id}: dead-lettering failed (${(error as Error).message}); left claimed for later`);
      return false;
    }
  }
}
