import { Module } from '@nestjs/common';
import { Mailer } from '../mail/mailer.js';
import { SendOrderConfirmationHandler } from './send-order-confirmation.handler.js';

@Module({ controllers: [SendOrderConfirmationHandler], providers: [Mailer] })
export class SendOrderConfirmationModule {}
