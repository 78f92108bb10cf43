import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { SERVICE_CONFIG } from '@offramp/platform';
import nodemailer, { type Transporter } from 'nodemailer';
import type { PipelinesConfig } from '../pipelines-config.type.js';

export interface OutgoingMail {
  /** The Message-ID header, `<…@…>`: stable per job, so a receiver can drop a repeated send. */
  messageId: string;
  to: { address: string; name: string };
  subject: string;
  text: string;
}

/**
 * Sends mail over SMTP to the monolith's mail server (MAIL_HOST, MAIL_PORT, MAIL_ENCRYPTION,
 * MAIL_USERNAME/PASSWORD), from MAIL_FROM_ADDRESS/NAME, as Laravel's smtp mailer does. Pooled
 * connections: a confirmation per order is many small mails.
 */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private readonly transport: Transporter;
  readonly from: { address: string; name: string };

  constructor(@Inject(SERVICE_CONFIG) config: PipelinesConfig) {
    this.from = { address: config.MAIL_FROM_ADDRESS, name: config.MAIL_FROM_NAME };
    this.transport = nodemailer.createTransport({
      host: config.MAIL_HOST,
      port: config.MAIL_PORT,
      secure: config.MAIL_ENCRYPTION === 'ssl',
      requireTLS: config.MAIL_ENCRYPTION === 'tls',
      auth: config.MAIL_USERNAME ? { user: config.MAIL_USERNAME, pass: config.MAIL_PASSWORD ?? '' } : undefined,
      pool: true,
      maxConnections: 8,
      connectionTimeout: 5_000,
      greetingTimeout: 5_000,
      socketTimeout: 15_000,
    });
  }

  /** Resolves once the server accepted the message (250). */
  async send(mail: OutgoingMail): Promise<void> {
    await this.transport.sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text, messageId: mail.messageId });
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
