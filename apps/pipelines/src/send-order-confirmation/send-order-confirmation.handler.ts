import { Controller, UseFilters } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import type { EventPayload } from '@offramp/contracts';
import { IdempotentConsumer, JetStreamContext, JetStreamEvent, JetStreamExceptionFilter, LaravelJobRunner } from '@offramp/messaging';
import { DataSource } from 'typeorm';
import { Mailer } from '../mail/mailer.js';
import { orderConfirmationMail } from './order-confirmation.mail.js';
import { readOrderForConfirmation } from './order-confirmation.reader.js';

/**
 * App\Jobs\SendOrderConfirmation, run in Node: the same mail as the PHP handler, over SMTP. A mail
 * cannot commit with the inbox row, so the inbox is checked first and written after the server
 * accepted the mail: only a send cut between that accept and the commit is repeated, and it
 * carries the same Message-ID (from the job's uuid), so the receiver can drop it.
 */
// The transport needs the handler's own error (a RetryLaterError carries the job's backoff); the
// microservice starts after the app, too late for a global filter.
@UseFilters(new JetStreamExceptionFilter())
@Controller()
export class SendOrderConfirmationHandler {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mailer: Mailer,
    private readonly once: IdempotentConsumer,
    private readonly jobs: LaravelJobRunner,
  ) {}

  @JetStreamEvent('shop.jobs.send-order-confirmation.v1')
  async handle(@Payload() message: EventPayload<'shop.jobs.send-order-confirmation.v1'>, @Ctx() context: JetStreamContext): Promise<void> {
    if (await this.once.has(context)) return;
    await this.jobs.run(message.job, context, async () => {
      const mail = orderConfirmationMail(await readOrderForConfirmation(this.dataSource, message.order_id));
      await this.mailer.send({ ...mail, messageId: `<${message.job.uuid}@${this.mailer.from.address.split('@')[1]}>` });
    });
    await this.once.run(context, async () => undefined);
  }
}
