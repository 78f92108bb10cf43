import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import type { EventPayload } from '@offramp/contracts';
import { IdempotentConsumer, JetStreamContext, JetStreamEvent } from '@offramp/messaging';
import { DataSource } from 'typeorm';
import { DailySales } from './daily-sales.js';

/** Keeps the daily sales aggregate current from the monolith's payments: each paid order once, with the inbox row. */
@Controller()
export class SalesAggregateHandler {
  private readonly sales: DailySales;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly once: IdempotentConsumer,
  ) {
    this.sales = new DailySales(dataSource);
  }

  @JetStreamEvent('shop.orders.paid.v1')
  async paid(@Payload() event: EventPayload<'shop.orders.paid.v1'>, @Ctx() context: JetStreamContext): Promise<void> {
    await this.once.run(context, (manager) => this.sales.addPaidOrder(manager, event.order_id));
  }
}
