import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import type { EventPayload } from '@offramp/contracts';
import { IdempotentConsumer, JetStreamContext, JetStreamEvent, LaravelJobRunner, OnceOutsideTransaction } from '@offramp/messaging';
import { DataSource } from 'typeorm';
import { Mailer } from '../mail/mailer.js';
import { orderConfirmationMail } from './order-confirmation.mail.js';
import { readOrderForConfirmation } from './order-confirmation.reader.js';

/**
 * App\Jobs\SendOrderConfirmation, run in Node: the same mail as the PHP handler, over SMTP. A mail
 * cannot commit with the inbox row, so the inbox is checked before the server accepts it and written
 * right after, one accept at a time per process (OnceOutsideTransaction): only the one send cut
 * between that accept and the commit by a kill is repeated, and it carries the same Message-ID
 * (from the job's uuid), so the receiver can drop it. Reading the order, rendering the mail and
 * sending its envelope and body stay concurrent; the turn holds the final dot, the server's 250 and
 * the commit.
 */
@Controller()
export class SendOrderConfirmationHandler {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mailer: Mailer,
    private readonly once: IdempotentConsumer,
    private readonly jobs: LaravelJobRunner,
    private readonly sendOnce: OnceOutsideTransaction,
  ) {}

  @JetStreamEvent('shop.jobs.send-order-confirmation.v1')
  async handle(@Payload() message: EventPayload<'shop.jobs.send-order-confirmation.v1'>, @Ctx() context: JetStreamContext): Promise<void> {
    if (await this.once.has(context)) return;
    const outcome = await this.jobs.run(message.job, context, async () => {
      const mail = orderConfirmationMail(await readOrderForConfirmation(this.dataSource, message.order_id));
      await this.sendOnce.runPrepared(context, () =>
        this.mailer.prepare({ ...mail, messageId: `<${message.job.uuid}@${this.mailer.from.address.split('@')[1]}>` }),
      );
    });
    // a sent mail is recorded already; a job that failed for good (failed_jobs) or whose order is gone is settled too
    if (outcome !== 'done') await this.once.run(context, async () => undefined);
  }
}
