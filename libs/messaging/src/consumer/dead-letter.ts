import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { DEAD_LETTER_SUBJECT_PREFIX } from '../jetstream/definitions.js';
import { EventHeader } from '../jetstream/event-headers.js';

/**
 * Copies a message that will not be handled to the dead-letter stream, with the reason and where
 * it came from. Resolves once JetStream stored the copy; only then may the original be termed.
 */
export async function publishDeadLetter(js: JetStreamClient, message: JsMsg, consumer: string, reason: string, timeoutMs = 5_000): Promise<void> {
  const h = natsHeaders();
  for (const [name, values] of message.headers ?? []) {
    if (name === EventHeader.msgId) continue;
    for (const value of values) h.append(name, value);
  }
  h.set(EventHeader.deadLetterReason, reason.slice(0, 1_000).replace(/[\r\n]+/g, ' '));
  h.set(EventHeader.originalSubject, message.subject);
  h.set(EventHeader.originalStream, message.info.stream);
  h.set(EventHeader.originalSequence, String(message.info.streamSequence));
  h.set(EventHeader.consumer, consumer);
  h.set(EventHeader.deliveries, String(message.info.deliveryCount));
  await js.publish(`${DEAD_LETTER_SUBJECT_PREFIX}.${consumer}`, message.data, {
    // A second attempt (after a lost ack) must not store a second copy.
    msgID: `${consumer}:${message.info.stream}:${message.info.streamSequence}`,
    headers: h,
    timeout: timeoutMs,
  });
}
