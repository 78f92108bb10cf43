import type { ConsumerDefinition } from '@offramp/messaging';
import { PARTNER_CONSUMER } from './order-events.handler.js';

/**
 * The durable JetStream consumer of every shop.orders event (one filter: nats-server 2.9 takes no
 * list of them); OrderEventsHandler has a handler for each catalog subject under it.
 */
export function partnerConsumer(): ConsumerDefinition {
  return { stream: 'OFFRAMP_EVENTS', durable: PARTNER_CONSUMER, filterSubjects: ['shop.orders.>'], concurrency: 16 };
}
