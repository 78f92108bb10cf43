import { createJobPayload, LaravelJobError, modelIdentifier, modelReference, PhpObject, queueableProperties } from '@offramp/legacy-bridge';
import type { Dialect } from '../outbox/outbox-store.js';
import type { BridgedJobClass } from './bridged-job.js';

/** The monolith's `offramp.queue`: where taken-over job classes are queued. */
export const OFFRAMP_QUEUE = 'offramp';

const SEND_ORDER_CONFIRMATION_CLASS = 'App\\Jobs\\SendOrderConfirmation';
const ORDER_MODEL = 'App\\Models\\Order';

/** App\Jobs\SendOrderConfirmation(Order $order), read by the bridge: its order travels as a ModelIdentifier. */
export const SEND_ORDER_CONFIRMATION: BridgedJobClass = {
  phpClass: SEND_ORDER_CONFIRMATION_CLASS,
  subject: 'shop.jobs.send-order-confirmation.v1',
  fields(command) {
    const order = modelReference(command.properties['order']);
    const id = Number(order?.id);
    if (order?.class !== ORDER_MODEL || !Number.isInteger(id) || id < 1)
      throw new LaravelJobError('corrupt_payload', 'SendOrderConfirmation.order is not a ModelIdentifier of App\\Models\\Order');
    return { order_id: id };
  },
};

/**
 * The monolith's name of its database connection, which a loaded model carries into its
 * ModelIdentifier: its DATABASE_URL scheme picks `sqlite`, `mysql` or `pgsql` (app/Support/DatabaseUrl.php).
 */
export function laravelConnectionName(dialect: Dialect): string {
  return dialect === 'postgres' ? 'pgsql' : dialect;
}

/**
 * The payload `SendOrderConfirmation::dispatch($order)` queues in the monolith (order loaded with
 * its items on the connection `connection`, `$tries = 3`, queue set by the OfframpDispatcher), for
 * a slice that places orders.
 */
export function sendOrderConfirmationPayload(orderId: number, connection: string, queue = OFFRAMP_QUEUE): string {
  return createJobPayload({
    maxTries: 3,
    command: new PhpObject(SEND_ORDER_CONFIRMATION_CLASS, {
      tries: 3,
      order: modelIdentifier({ class: ORDER_MODEL, id: orderId, relations: ['items'], connection }),
      ...queueableProperties(queue),
    }),
  });
}

/** App\Jobs\RecalculateProductPopularity: no arguments. */
export const RECALCULATE_PRODUCT_POPULARITY: BridgedJobClass = {
  phpClass: 'App\\Jobs\\RecalculateProductPopularity',
  subject: 'shop.jobs.recalculate-product-popularity.v1',
  fields: () => ({}),
};

/** What `$schedule->job(new RecalculateProductPopularity())` queues in the monolith (queue set by the OfframpDispatcher). */
export function recalculateProductPopularityPayload(queue = OFFRAMP_QUEUE): string {
  return createJobPayload({ command: new PhpObject(RECALCULATE_PRODUCT_POPULARITY.phpClass, queueableProperties(queue)) });
}
