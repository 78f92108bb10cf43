import type { LaravelRuleSet } from '@offramp/legacy-bridge';

/** PaymentWebhookController's Validator::make rules, in its order. */
export const PAYMENT_EVENT_RULES: LaravelRuleSet = [
  ['id', ['required', 'string', 'max:191']],
  ['type', ['required', 'string', 'max:64']],
  ['data', ['required', 'array']],
  ['data.order_id', ['required_if:type,payment.succeeded', 'integer']],
  ['data.amount_cents', ['required_if:type,payment.succeeded', 'integer']],
];

export const PAYMENT_SUCCEEDED = 'payment.succeeded';

/** An event that passed the rules. */
export interface PaymentEvent {
  id: string;
  type: string;
  data: { order_id?: unknown; amount_cents?: unknown };
}

/** The JSON answers of the monolith's webhook, in its key order. */
export type PaymentOutcome =
  | { status: 'processed'; order_id: number }
  | { status: 'ignored'; reason: 'unhandled_type' | 'unknown_order' }
  | { status: 'ignored'; reason: 'already_paid' | 'amount_mismatch'; order_id: number }
  | { status: 'duplicate' };
