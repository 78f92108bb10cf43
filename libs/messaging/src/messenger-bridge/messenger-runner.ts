import { Logger } from '@nestjs/common';
import {
  decodeMessengerBody,
  delayStamp,
  encodeMessengerBody,
  ERROR_DETAILS_STAMP,
  errorDetailsStamp,
  redeliveryStamp,
  sameErrorDetails,
  sentToFailureTransportStamp,
} from '@offramp/legacy-bridge';
import type { EntityManager } from 'typeorm';
import type { JetStreamContext } from '../consumer/jetstream.context.js';
import { RetryLaterError } from '../consumer/retry-later.error.js';
import type { IdempotentConsumer } from '../inbox/idempotent-consumer.js';
import type { SymfonyMessageMeta } from './bridged-message.js';
import type { MessengerMessagesTable } from './messenger-messages-table.js';

/** A transport's retry_strategy in messenger.yaml (Symfony's MultiplierRetryStrategy). */
export interface MessengerRetryStrategy {
  maxRetries: number;
  delayMs: number;
  multiplier: number;
  /** 0: no limit. */
  maxDelayMs: number;
}

export interface MessengerMessageRunnerSettings {
  table: MessengerMessagesTable;
  inbox: IdempotentConsumer;
  retry: MessengerRetryStrategy;
  /** The failure transport's queue_name (`failure_transport: failed`). */
  failedQueue?: string;
  /** The classes a message may hold besides itself and the envelope's (as the bridge decoded it). */
  allowedClasses?: readonly string[];
}

/**
 * A handler's failure that Symfony would not retry (UnrecoverableMessageHandlingException): the
 * message goes to the failure transport at once.
 */
export class UnrecoverableMessageError extends Error {
  readonly code = 'unrecoverable';
}

export type MessageOutcome = 'done' | 'failed';

/**
 * Runs a taken-over Messenger message's handler with the worker's semantics (Symfony 5.4's
 * Worker, SendFailedMessageForRetryListener, SendFailedMessageToFailureTransportListener): a
 * failure with retries left (the envelope's RedeliveryStamp count plus this message's earlier
 * deliveries, below max_retries) is redelivered after delay × multiplier^retries; the last one
 * writes the envelope to the failure transport with the stamps Symfony adds (ErrorDetailsStamp
 * of the error, SentToFailureTransportStamp naming the bridge's transport, DelayStamp(0),
 * RedeliveryStamp(0)), in one transaction with the inbox record, so `messenger:failed:show`
 * lists it once and `messenger:failed:retry` sends it back to the bridge. The handler gets the
 * inbox's transaction: its writes and the inbox record commit together.
 */
export class MessengerMessageRunner {
  private readonly logger = new Logger('MessengerMessageRunner');

  constructor(private readonly settings: MessengerMessageRunnerSettings) {}

  async run(message: SymfonyMessageMeta, context: JetStreamContext, handler: (manager: EntityManager) => Promise<unknown>): Promise<MessageOutcome> {
    const retries = message.retry_count + context.getDeliveryCount() - 1;
    try {
      await this.settings.inbox.run(context, handler);
      return 'done';
    } catch (error) {
      const { retry } = this.settings;
      if (!(error instanceof UnrecoverableMessageError) && retries < retry.maxRetries) {
        const delay = retry.delayMs * retry.multiplier ** retries;
        this.logger.warn(`message ${message.class} (${message.id}) failed: ${(error as Error).message}; retry #${retries + 1} in ${delay} ms`);
        throw new RetryLaterError(retry.maxDelayMs > 0 ? Math.min(delay, retry.maxDelayMs) : delay, error);
      }
      await this.fail(message, context, error, retries);
      return 'failed';
    }
  }

  private async fail(message: SymfonyMessageMeta, context: JetStreamContext, error: unknown, retries: number): Promise<void> {
    const e = error instanceof Error ? error : new Error(String(error));
    const failedQueue = this.settings.failedQueue ?? 'failed';
    this.logger.error(`message ${message.class} (${message.id}) failed after ${retries} retries: ${e.message}; sent to the failure transport (${failedQueue})`);
    let envelope = decodeMessengerBody(message.body, [message.class], this.settings.allowedClasses ?? []);
    const details = errorDetailsStamp(phpClassOf(e), (e as { code?: unknown }).code === undefined ? 0 : phpCode(e), e.message);
    // AddErrorDetailsStampListener: the same error twice in a row is kept once.
    if (!sameErrorDetails(envelope.last(ERROR_DETAILS_STAMP), details)) envelope = envelope.with(details);
    envelope = envelope.with(sentToFailureTransportStamp(message.transport), delayStamp(0), redeliveryStamp(0));
    const body = encodeMessengerBody(envelope);
    await this.settings.inbox.run(context, (manager) => this.settings.table.send(failedQueue, body, { db: manager }));
  }
}

/** The PHP exception class a failure is shown with: the handler's own (`phpClass`), else Offramp's. */
function phpClassOf(error: Error): string {
  const phpClass = (error as { phpClass?: unknown }).phpClass;
  return typeof phpClass === 'string' && phpClass !== '' ? phpClass : `Offramp\\MessengerBridge\\${error.name}`;
}

function phpCode(error: Error): number | string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' && Number.isInteger(code) ? code : typeof code === 'string' ? code : 0;
}
