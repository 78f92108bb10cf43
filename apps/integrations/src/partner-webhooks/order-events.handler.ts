import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventPayload, EventSubject } from '@offramp/contracts';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { dialectOf, IdempotentConsumer, JetStreamContext, JetStreamEvent, uuidv7 } from '@offramp/messaging';
import { DeliveryStatements } from './delivery-statements.js';
import { PartnerDispatcher } from './partner-dispatcher.service.js';
import type { Delivery } from './partner-tables.js';
import { wantsSubject } from './subject-patterns.js';

/** The durable consumer that turns order events into partner deliveries. */
export const PARTNER_CONSUMER = 'integrations-partner-webhooks';

/**
 * Every shop.orders event from JetStream (at least once) becomes one delivery per enabled partner
 * that asked for it, in the inbox's transaction: a redelivered event finds its inbox row and adds
 * nothing, and (partner, event id) is unique besides. The body is the Standard Webhooks shape.
 */
@Controller()
export class OrderEventsHandler {
  private readonly statements: DeliveryStatements;

  constructor(
    private readonly once: IdempotentConsumer,
    private readonly dispatcher: PartnerDispatcher,
    @InjectDataSource() dataSource: DataSource,
  ) {
    this.statements = new DeliveryStatements(dialectOf(dataSource));
  }

  @JetStreamEvent('shop.orders.placed.v1')
  placed(@Payload() payload: EventPayload<'shop.orders.placed.v1'>, @Ctx() context: JetStreamContext): Promise<void> {
    return this.fanOut('shop.orders.placed.v1', payload, context);
  }

  @JetStreamEvent('shop.orders.paid.v1')
  paid(@Payload() payload: EventPayload<'shop.orders.paid.v1'>, @Ctx() context: JetStreamContext): Promise<void> {
    return this.fanOut('shop.orders.paid.v1', payload, context);
  }

  private async fanOut(subject: EventSubject, payload: { order_id: number }, context: JetStreamContext): Promise<void> {
    const eventId = context.getEventId();
    const seq = context.getMessage().info.streamSequence;
    const timestamp = context.getMetadata().occurredAt ?? new Date().toISOString();
    const body = JSON.stringify({ type: subject, timestamp, data: payload });
    const outcome = await this.once.run(context, async (manager) => {
      const partners = (await this.statements.enabledPartners(manager)).filter((partner) => wantsSubject(partner.eventTypes, subject));
      const now = Date.now();
      // One INSERT for all of the event's deliveries (a statement per partner was most of the consumer's CPU).
      if (partners.length > 0) {
        await this.statements.insertIgnoringDuplicates(
          manager,
          partners.map((partner): Delivery => ({
            // Time-ordered: the id index grows at its right edge (a v4 id dirtied a random page per delivery, rewritten at each commit and checkpoint).
            id: uuidv7(now),
            partnerId: partner.id,
            eventId,
            subject,
            aggregateId: String(payload.order_id),
            seq,
            body,
            status: 'pending' as const,
            attempts: 0,
            attemptsTotal: 0,
            claim: null,
            nextAttemptAt: now,
            createdAt: now,
            deliveredAt: null,
            lastError: null,
          })),
        );
      }
      return partners.length;
    });
    if (outcome.applied && outcome.result > 0) this.dispatcher.wake();
  }
}
