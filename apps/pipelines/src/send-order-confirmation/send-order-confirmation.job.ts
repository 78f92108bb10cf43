import { LaravelJobError, modelReference } from '@offramp/legacy-bridge';
import type { BridgedJobClass } from '@offramp/messaging';

/** App\Jobs\SendOrderConfirmation(Order $order): its order travels as a ModelIdentifier. */
export const SEND_ORDER_CONFIRMATION: BridgedJobClass = {
  phpClass: 'App\\Jobs\\SendOrderConfirmation',
  subject: 'shop.jobs.send-order-confirmation.v1',
  fields(command) {
    const order = modelReference(command.properties['order']);
    const id = Number(order?.id);
    if (order?.class !== 'App\\Models\\Order' || !Number.isInteger(id) || id < 1)
      throw new LaravelJobError('corrupt_payload', 'SendOrderConfirmation.order is not a ModelIdentifier of App\\Models\\Order');
    return { order_id: id };
  },
};
