import { Readable } from 'node:stream';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type PreparedEffect, Semaphore } from '@offramp/messaging';
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

/** A prepared mail dropped before its final dot (the inbox had its event by its turn). */
class MailAbandonedError extends Error {
  readonly code = 'mail_abandoned';
  constructor() {
    super('mail abandoned before the final dot');
    this.name = 'MailAbandonedError';
  }
}

/**
 * Sends mail over SMTP to the monolith's mail server (MAIL_HOST, MAIL_PORT, MAIL_ENCRYPTION,
 * MAIL_USERNAME/PASSWORD), from MAIL_FROM_ADDRESS/NAME, as Laravel's smtp mailer does. Pooled
 * connections (MAIL_MAX_CONNECTIONS): a confirmation per order is many small mails. A prepared mail
 * holds its connection until it is completed or abandoned, so no more mails are prepared than there
 * are connections: one waiting in the pool's queue for a connection while it holds the send turn
 * would wait for mails that wait for that turn.
 */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private readonly transport: Transporter;
  private readonly connections: Semaphore;
  readonly from: { address: string; name: string };

  constructor(@Inject(SERVICE_CONFIG) config: PipelinesConfig) {
    this.from = { address: config.MAIL_FROM_ADDRESS, name: config.MAIL_FROM_NAME };
    this.connections = new Semaphore(config.MAIL_MAX_CONNECTIONS);
    this.transport = nodemailer.createTransport({
      host: config.MAIL_HOST,
      port: config.MAIL_PORT,
      secure: config.MAIL_ENCRYPTION === 'ssl',
      requireTLS: config.MAIL_ENCRYPTION === 'tls',
      auth: config.MAIL_USERNAME ? { user: config.MAIL_USERNAME, pass: config.MAIL_PASSWORD ?? '' } : undefined,
      pool: true,
      maxConnections: config.MAIL_MAX_CONNECTIONS,
      connectionTimeout: 5_000,
      greetingTimeout: 5_000,
      socketTimeout: 15_000,
    });
  }

  /**
   * Sends the message's envelope and all of it but its end and the final dot, so the server has
   * not accepted it yet; `complete` ends it and resolves on the server's 250, `abandon` closes
   * the connection instead, and the server discards the message. The text goes as a stream held
   * open: nodemailer composes the message once (a message built first and sent raw was composed
   * twice, about 0.18 ms of CPU per mail more), and, unable to look into a stream, sends the text
   * quoted-printable in UTF-8.
   */
  async prepare(mail: OutgoingMail): Promise<PreparedEffect> {
    await this.connections.acquire();
    const body = new Readable({ read: () => undefined });
    body.push(mail.text);
    const accepted = this.transport.sendMail({
      envelope: { from: this.from.address, to: [mail.to.address] },
      from: this.from,
      to: mail.to,
      subject: mail.subject,
      messageId: mail.messageId,
      text: body,
    });
    // an abandoned or failed send is reported by complete() or dropped by abandon()
    accepted.catch(() => undefined);
    let settled = false;
    const settle = () => {
      if (!settled) this.connections.release();
      settled = true;
    };
    return {
      complete: async () => {
        try {
          body.push(null);
          await accepted;
        } finally {
          settle();
        }
      },
      abandon: async () => {
        body.destroy(new MailAbandonedError());
        await accepted.catch(() => undefined);
        settle();
      },
    };
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
