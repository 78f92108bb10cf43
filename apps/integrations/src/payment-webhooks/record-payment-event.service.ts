import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { sqlTimestamp } from '@offramp/legacy-bridge';
import { recordOutboxEvent } from '@offramp/messaging';
import { DatabaseGate } from '@offramp/persistence';
import { PAYMENT_SUCCEEDED, type PaymentEvent, type PaymentOutcome } from './payment-event.rules.js';

const ORDER_PENDING = 'pending';
const ORDER_PAID = 'paid';

interface OrderRow {
  id: number | string;
  user_id: number | string;
  status: string;
  total_cents: number | string;
  currency: string;
}

/** PHP's (int) of a value the `integer` rule accepted (a JSON number, a numeric string or true). */
const phpInt = (value: unknown): number => Math.trunc(Number(value));

/**
 * The effects of PaymentWebhookController in the monolith's tables, in one transaction: the
 * `payment_events` row claims the provider's event id first (its unique index serialises
 * concurrent deliveries, from this slice and from the monolith alike), then the order goes
 * PENDING→PAID only, with the `shop.orders.paid.v1` outbox row, and the row's outcome is set.
 * The tables are the monolith's; they are addressed by name, the slice maps no entity of them.
 */
@Injectable()
export class RecordPaymentEvent {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly gate: DatabaseGate,
  ) {}

  async alreadyRecorded(eventId: string): Promise<boolean> {
    const row = await this.gate.read(() =>
      this.dataSource.createQueryBuilder().select('1', 'found').from('payment_events', 'e').where('e.provider_event_id = :eventId', { eventId }).getRawOne(),
    );
    return row !== undefined;
  }

  /** The outcome, or `duplicate` when a concurrent delivery of the same id won the unique index. */
  async record(event: PaymentEvent, rawBody: string): Promise<PaymentOutcome> {
    try {
      return await this.gate.write(() => this.dataSource.transaction((manager) => this.inTransaction(manager, event, rawBody)));
    } catch (error) {
      // As the monolith: any query failure is a lost race when the id is there now, else an error.
      if (error instanceof QueryFailedError && (await this.alreadyRecorded(event.id))) return { status: 'duplicate' };
      throw error;
    }
  }

  private async inTransaction(manager: EntityManager, event: PaymentEvent, rawBody: string): Promise<PaymentOutcome> {
    const orderId = event.data.order_id === undefined || event.data.order_id === null ? null : phpInt(event.data.order_id);
    await manager
      .createQueryBuilder()
      .insert()
      .into('payment_events', ['provider_event_id', 'type', 'order_id', 'outcome', 'payload', 'received_at'])
      .values({ provider_event_id: event.id, type: event.type, order_id: orderId, outcome: 'received', payload: rawBody, received_at: sqlTimestamp() })
      .execute();
    const outcome = await this.apply(manager, event, orderId);
    await manager
      .createQueryBuilder()
      .update('payment_events')
      .set({ outcome: outcome.status === 'processed' ? 'processed' : `ignored:${'reason' in outcome ? outcome.reason : ''}` })
      .where('provider_event_id = :eventId', { eventId: event.id })
      .execute();
    return outcome;
  }

  private async apply(manager: EntityManager, event: PaymentEvent, orderId: number | null): Promise<PaymentOutcome> {
    if (event.type !== PAYMENT_SUCCEEDED) return { status: 'ignored', reason: 'unhandled_type' };
    const order = orderId === null ? undefined : await this.lockOrder(manager, orderId);
    if (!order) return { status: 'ignored', reason: 'unknown_order' };
    const id = Number(order.id);
    if (order.status === ORDER_PAID) return { status: 'ignored', reason: 'already_paid', order_id: id };
    if (phpInt(event.data.amount_cents) !== Number(order.total_cents)) return { status: 'ignored', reason: 'amount_mismatch', order_id: id };

    const paidAt = new Date();
    const updated = await manager
      .createQueryBuilder()
      .update('orders')
      .set({ status: ORDER_PAID, paid_at: sqlTimestamp(paidAt), payment_reference: event.id, updated_at: sqlTimestamp(paidAt) })
      .where('id = :id AND status = :pending', { id, pending: ORDER_PENDING })
      .execute();
    if (updated.affected !== 1) return { status: 'ignored', reason: 'already_paid', order_id: id };

    await recordOutboxEvent(manager, 'shop.orders.paid.v1', {
      order_id: id,
      user_id: Number(order.user_id),
      status: ORDER_PAID,
      amount_cents: Number(order.total_cents),
      currency: order.currency,
      payment_event_id: event.id,
      // Carbon's toIso8601ZuluString('microsecond'); JavaScript's clock has milliseconds.
      paid_at: `${paidAt.toISOString().slice(0, 23)}000Z`,
    });
    return { status: 'processed', order_id: id };
  }

  /** Order::lockForUpdate()->find(): FOR UPDATE where the database has it (SQLite locks the file). */
  private async lockOrder(manager: EntityManager, orderId: number): Promise<OrderRow | undefined> {
    const query = manager
      .createQueryBuilder()
      .select('o.id', 'id')
      .addSelect('o.user_id', 'user_id')
      .addSelect('o.status', 'status')
      .addSelect('o.total_cents', 'total_cents')
      .addSelect('o.currency', 'currency')
      .from('orders', 'o')
      .where('o.id = :orderId', { orderId });
    if (this.dataSource.options.type !== 'better-sqlite3') query.setLock('pessimistic_write');
    return query.getRawOne<OrderRow>();
  }
}
