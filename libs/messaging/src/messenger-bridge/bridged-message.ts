import { createHash } from 'node:crypto';
import type { EventSubject } from '@offramp/contracts';
import type { MessengerEnvelope, PhpObject } from '@offramp/legacy-bridge';
import type { MessengerRow } from './messenger-messages-table.js';

/**
 * A Messenger message class taken over by a slice: the subject its messages are published on,
 * the classes its object may hold besides itself and the envelope's stamps, and the message
 * fields read from it (throwing a MessengerMessageError when it is not what the slice expects).
 */
export interface BridgedMessageClass {
  phpClass: string;
  subject: EventSubject;
  allowedClasses?: readonly string[];
  fields(message: PhpObject): Record<string, unknown>;
}

/** The Symfony side of a bridged message (libs/contracts `symfonyMessage`). */
export interface SymfonyMessageMeta {
  /** The row id in messenger_messages when the bridge took it. */
  id: number;
  class: string;
  /** The PHP transport name of the bridge's queue (`offramp`), as SentToFailureTransportStamp names it. */
  transport: string;
  queue: string;
  bus: string | null;
  /** RedeliveryStamp::getRetryCountFromEnvelope when it was taken. */
  retry_count: number;
  /** The PhpSerializer body, unchanged: the failure transport gets it back with Symfony's stamps. */
  body: string;
}

/**
 * The Nats-Msg-Id of a row: its queue, id and a hash of its body, so a row claimed twice (a
 * crash before the delete) is one message, while a row id SQLite reuses, or a message sent back
 * by messenger:failed:retry (a new row with other stamps), is a new one.
 */
export function messengerMessageId(row: MessengerRow): string {
  return `messenger:${row.queueName}:${row.id}:${createHash('sha256').update(row.body).digest('hex').slice(0, 16)}`;
}

export function symfonyMessageMeta(row: MessengerRow, envelope: MessengerEnvelope, transport: string): SymfonyMessageMeta {
  return {
    id: row.id,
    class: envelope.messageClass,
    transport,
    queue: row.queueName,
    bus: envelope.busName(),
    retry_count: envelope.retryCount(),
    body: row.body,
  };
}
