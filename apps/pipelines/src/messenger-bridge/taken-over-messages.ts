import { type BridgedMessageClass, type ConsumerDefinition, SEND_WELCOME_EMAIL } from '@offramp/messaging';

/** The Messenger message classes whose handlers run here (the Symfony app lists the same in OFFRAMP_TAKEN_OVER_MESSAGES). */
export const TAKEN_OVER_MESSAGES: readonly BridgedMessageClass[] = [SEND_WELCOME_EMAIL];

/** One durable consumer per class; retries follow the app's retry_strategy (MessengerMessageRunner), JetStream's limit is a last resort. */
export function messengerConsumers(concurrency: number, ackWaitMs: number): ConsumerDefinition[] {
  return TAKEN_OVER_MESSAGES.map((message) => ({
    stream: 'OFFRAMP_EVENTS',
    durable: `pipelines-${message.subject.split('.')[2]}`,
    filterSubjects: [message.subject],
    maxDeliver: 1_000,
    ackWaitMs,
    handlerTimeoutMs: 15 * 60_000,
    concurrency,
    backoffBaseMs: 1_000,
    backoffMaxMs: 60_000,
  }));
}
