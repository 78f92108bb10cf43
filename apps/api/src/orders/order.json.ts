import type { Order } from './order.entity.js';

/** `Order::with('items')` as Eloquent serializes it (integer casts, items by id). */
export function orderJson(order: Order) {
  return {
    id: Number(order.id),
    user_id: Number(order.userId),
    status: order.status,
    total_cents: Number(order.totalCents),
    currency: order.currency,
    paid_at: order.paidAt,
    payment_reference: order.paymentReference,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    items: [...(order.items ?? [])]
      .sort((a, b) => Number(a.id) - Number(b.id))
      .map((item) => ({
        id: Number(item.id),
        order_id: Number(item.orderId),
        product_id: Number(item.productId),
        quantity: Number(item.quantity),
        unit_price_cents: Number(item.unitPriceCents),
      })),
  };
}
