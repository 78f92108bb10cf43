import { ModelNotFoundError, sqlParam, dialectOf } from '@offramp/messaging';
import type { DataSource } from 'typeorm';

export interface OrderForConfirmation {
  id: number;
  totalCents: number;
  currency: string;
  user: { email: string; name: string };
  items: Array<{ quantity: number; unitPriceCents: number; productId: number; productName: string | null }>;
}

/**
 * The order as SendOrderConfirmation::handle loads it (`loadMissing('items.product', 'user')`),
 * from the monolith's tables. A missing order is Eloquent's ModelNotFoundException.
 */
export async function readOrderForConfirmation(dataSource: DataSource, orderId: number): Promise<OrderForConfirmation> {
  const p = sqlParam(dialectOf(dataSource), 1);
  const [order] = (await dataSource.query(
    `SELECT o.id, o.total_cents, o.currency, u.email, u.name FROM orders o LEFT JOIN users u ON u.id = o.user_id WHERE o.id = ${p}`,
    [orderId],
  )) as Array<Record<string, unknown>>;
  if (!order) throw new ModelNotFoundError('App\\Models\\Order', orderId);
  // PHP would fail on `$order->user->email` of a user that is gone: an error, retried, then failed_jobs.
  if (order.email === null || order.email === undefined) throw new Error(`order ${orderId} has no user`);
  const items = (await dataSource.query(
    `SELECT oi.quantity, oi.unit_price_cents, oi.product_id, p.name FROM order_items oi LEFT JOIN products p ON p.id = oi.product_id WHERE oi.order_id = ${p} ORDER BY oi.id`,
    [orderId],
  )) as Array<Record<string, unknown>>;
  return {
    id: Number(order.id),
    totalCents: Number(order.total_cents),
    currency: String(order.currency),
    user: { email: String(order.email), name: String(order.name ?? '') },
    items: items.map((item) => ({
      quantity: Number(item.quantity),
      unitPriceCents: Number(item.unit_price_cents),
      productId: Number(item.product_id),
      productName: item.name === null || item.name === undefined ? null : String(item.name),
    })),
  };
}
