import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventPayload } from '@offramp/contracts';
import { IdempotentConsumer, JetStreamContext, JetStreamEvent, LaravelJobRunner } from '@offramp/messaging';

/** RecalculateProductPopularity::handle, the same statement: popularity = units sold over all order items. */
export const RECALCULATE_POPULARITY_SQL =
  'UPDATE products SET popularity = COALESCE((SELECT SUM(oi.quantity) FROM order_items oi WHERE oi.product_id = products.id), 0)';

/** App\Jobs\RecalculateProductPopularity, run in Node: the update and the inbox row commit together. */
@Controller()
export class RecalculateProductPopularityHandler {
  constructor(
    private readonly once: IdempotentConsumer,
    private readonly jobs: LaravelJobRunner,
  ) {}

  @JetStreamEvent('shop.jobs.recalculate-product-popularity.v1')
  async handle(@Payload() message: EventPayload<'shop.jobs.recalculate-product-popularity.v1'>, @Ctx() context: JetStreamContext): Promise<void> {
    if (await this.once.has(context)) return;
    const outcome = await this.jobs.run(message.job, context, () => this.once.run(context, (manager) => manager.query(RECALCULATE_POPULARITY_SQL)));
    // A failure recorded in failed_jobs is settled too: its redelivery must not fail it twice.
    if (outcome !== 'done') await this.once.run(context, async () => undefined);
  }
}
