import { Module } from '@nestjs/common';
import { IdempotentConsumer, OnceOutsideTransaction } from '@offramp/messaging';
import { Mailer } from '../mail/mailer.js';
import { SendOrderConfirmationHandler } from './send-order-confirmation.handler.js';

@Module({
  controllers: [SendOrderConfirmationHandler],
  // one per process: the turn it gives is what bounds the sends a kill can cut to one
  providers: [
    Mailer,
    { provide: OnceOutsideTransaction, useFactory: (once: IdempotentConsumer) => new OnceOutsideTransaction(once), inject: [IdempotentConsumer] },
  ],
})
export class SendOrderConfirmationModule {}
