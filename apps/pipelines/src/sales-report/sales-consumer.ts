import type { ConsumerDefinition } from '@offramp/messaging';

/** The monolith's payments, for the daily sales aggregate; idempotent (inbox and the per-order ledger), so a replay changes nothing. */
export const SALES_CONSUMER: ConsumerDefinition = {
  stream: 'OFFRAMP_EVENTS',
  durable: 'pipelines-sales-aggregate',
  filterSubjects: ['shop.orders.paid.v1'],
  concurrency: 8,
};
