import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, In } from 'typeorm';
import { Product } from '../catalog/product.entity.js';
import { existsChecks, inRuleOrder, type LaravelErrors, phpIsInt, sqlTimestamp, validateLaravel } from '@offramp/legacy-bridge';
import { LaravelValidationException } from '@offramp/legacy-bridge/nest';
import { dialectOf, JobsTable, laravelConnectionName, OFFRAMP_QUEUE, recordOutboxEvent, sendOrderConfirmationPayload } from '@offramp/messaging';
import { DatabaseGate } from '@offramp/persistence';
import { ORDER_PENDING, Order } from './order.entity.js';
import { OrderItem } from './order-item.entity.js';
import { PLACE_ORDER_RULES } from './place-order.request.js';

interface WantedLine {
  productId: number;
  quantity: number;
  /** Index of the first line for this product: errors are keyed by it, as in the monolith. */
  lineIndex: number;
}

/**
 * App\Shop\PlaceOrder in one transaction: conditional stock UPDATEs first (a writer lock from the
 * first statement, so concurrent buyers cannot oversell on any database), the order and its items,
 * and the outbox rows the monolith records (order placed, one stock change per product). The
 * relay publishes the rows after the commit: no event can be lost between commit and send.
 * The order's confirmation is the monolith's own job, SendOrderConfirmation, queued in the same
 * transaction on the offramp queue (database driver): the queue bridge hands it to pipelines as it
 * does the monolith's orders, so every order gets one mail whichever side placed it (each side
 * queues the job only for the orders it placed).
 */
@Injectable()
export class PlaceOrder {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly gate: DatabaseGate,
  ) {}

  /** Validates like OrderController::store and returns the new order's id. */
  async place(userId: number, body: unknown): Promise<number> {
    const lines = await this.validate(body);
    const wanted = this.merge(lines);
    return this.gate.write(() => this.dataSource.transaction((manager) => this.inTransaction(manager, userId, wanted)));
  }

  private async validate(body: unknown): Promise<Array<{ product_id: unknown; quantity: unknown }>> {
    const data = typeof body === 'object' && body !== null ? body : {};
    let errors: LaravelErrors = validateLaravel(data, PLACE_ORDER_RULES);
    const lookups = existsChecks(data, PLACE_ORDER_RULES, errors);
    if (lookups.length > 0) {
      const ids = [...new Set(lookups.filter((l) => phpIsInt(l.value)).map((l) => Number(l.value)))];
      const found =
        ids.length === 0 ? [] : await this.gate.read(() => this.dataSource.getRepository(Product).find({ select: { id: true }, where: { id: In(ids) } }));
      const existing = new Set(found.map((p) => Number(p.id)));
      for (const lookup of lookups) {
        if (phpIsInt(lookup.value) && existing.has(Number(lookup.value))) continue;
        errors.set(lookup.path, [...(errors.get(lookup.path) ?? []), lookup.message]);
      }
    }
    errors = inRuleOrder(data, PLACE_ORDER_RULES, errors);
    if (errors.size > 0) throw new LaravelValidationException(errors);
    // A PHP array: a list, or keyed (`{"items":{"a":{…}}}` passes the rules and places the order too).
    return Object.values((data as { items: Record<string, { product_id: unknown; quantity: unknown }> }).items);
  }

  private merge(lines: Array<{ product_id: unknown; quantity: unknown }>): WantedLine[] {
    const wanted = new Map<number, WantedLine>();
    lines.forEach((line, lineIndex) => {
      const productId = Number(line.product_id);
      const current = wanted.get(productId);
      if (current) current.quantity += Number(line.quantity);
      else wanted.set(productId, { productId, quantity: Number(line.quantity), lineIndex });
    });
    return [...wanted.values()];
  }

  private async inTransaction(manager: EntityManager, userId: number, wanted: WantedLine[]): Promise<number> {
    const now = sqlTimestamp();
    const errors: LaravelErrors = new Map();
    // Ascending product ids: two orders lock rows in the same order and cannot deadlock.
    for (const line of [...wanted].sort((a, b) => a.productId - b.productId)) {
      const result = await manager
        .createQueryBuilder()
        .update(Product)
        .set({ stock: () => `stock - ${line.quantity}`, updatedAt: now })
        .where('id = :id AND stock >= :quantity', { id: line.productId, quantity: line.quantity })
        .execute();
      if (result.affected !== 1) errors.set(`items.${line.lineIndex}.quantity`, [`Insufficient stock for product ${line.productId}.`]);
    }
    if (errors.size > 0) {
      // The first-seen line order, as the monolith reports them; throwing rolls the stock back.
      throw new LaravelValidationException(new Map([...errors].sort(([a], [b]) => Number(a.split('.')[1]) - Number(b.split('.')[1]))));
    }

    const products = new Map(
      (
        await manager
          .getRepository(Product)
          .find({ select: { id: true, priceCents: true, currency: true, stock: true }, where: { id: In(wanted.map((l) => l.productId)) } })
      ).map((p) => [Number(p.id), p]),
    );
    const currencies = new Set([...products.values()].map((p) => p.currency));
    if (currencies.size !== 1) throw new LaravelValidationException(new Map([['items', ['All items of an order must have the same currency.']]]));
    const currency = [...currencies][0];
    const product = (productId: number) => {
      const found = products.get(productId);
      if (!found) throw new Error(`product ${productId} vanished inside the order transaction`);
      return found;
    };
    const price = (productId: number) => Number(product(productId).priceCents);
    const total = wanted.reduce((sum, line) => sum + price(line.productId) * line.quantity, 0);

    const inserted = await manager.insert(Order, { userId, status: ORDER_PENDING, totalCents: total, currency, createdAt: now, updatedAt: now });
    const orderId = Number(inserted.identifiers[0].id);
    for (const line of wanted) {
      await manager.insert(OrderItem, { orderId, productId: line.productId, quantity: line.quantity, unitPriceCents: price(line.productId) });
    }

    await recordOutboxEvent(manager, 'shop.orders.placed.v1', {
      order_id: orderId,
      user_id: userId,
      status: ORDER_PENDING,
      total_cents: total,
      currency,
      items: wanted.map((line) => ({ product_id: line.productId, quantity: line.quantity, unit_price_cents: price(line.productId) })),
      placed_at: `${now.replace(' ', 'T')}.000000Z`,
    });
    for (const line of wanted) {
      const stock = Number(product(line.productId).stock);
      await recordOutboxEvent(manager, 'shop.products.stock_changed.v1', {
        product_id: line.productId,
        stock,
        previous_stock: stock + line.quantity,
        delta: -line.quantity,
        reason: 'order_placed',
        order_id: orderId,
      });
    }
    await new JobsTable(this.dataSource).push(OFFRAMP_QUEUE, sendOrderConfirmationPayload(orderId, laravelConnectionName(dialectOf(this.dataSource))), {
      db: manager,
    });
    return orderId;
  }

  async find(id: string): Promise<Order | null> {
    return this.gate.read(() => this.dataSource.getRepository(Order).findOne({ where: { id: Number(id) }, relations: { items: true } }));
  }
}
