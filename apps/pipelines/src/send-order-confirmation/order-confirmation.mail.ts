import type { OrderForConfirmation } from './order-confirmation.reader.js';

/** The mail of SendOrderConfirmation::handle, character for character: recipient, subject and body. */
export function orderConfirmationMail(order: OrderForConfirmation): { to: { address: string; name: string }; subject: string; text: string } {
  const lines = order.items.map((item) => `${item.quantity} x ${item.productName ?? `#${item.productId}`} @ ${money(item.unitPriceCents, order.currency)}`);
  return {
    to: { address: order.user.email, name: order.user.name },
    subject: `Order #${order.id} confirmed`,
    text: `Thank you for your order #${order.id}.\n\n${lines.join('\n')}\n\nTotal: ${money(order.totalCents, order.currency)}\n`,
  };
}

/** sprintf('%s %d.%02d', $currency, intdiv($cents, 100), $cents % 100) */
function money(cents: number, currency: string): string {
  const whole = Math.trunc(cents / 100);
  const rest = cents % 100;
  return `${currency} ${whole}.${String(rest).padStart(2, '0')}`;
}
