import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from './free-port.js';

/** A mail as the loopback SMTP server received it. */
export interface ReceivedMail {
  messageId: string | undefined;
  from: string | undefined;
  to: string[];
  /** The To header as sent (name and address). */
  toHeader: string | undefined;
  subject: string | undefined;
  text: string;
  raw: string;
}

export interface SmtpServerHandle {
  host: string;
  port: number;
  /** Every mail accepted so far, in order. */
  readonly mails: ReceivedMail[];
  /** Answers the next `count` messages with a temporary failure (451), as a mail provider under load does. */
  refuseNext(count: number): void;
  stop(): Promise<void>;
}

/**
 * A real SMTP server on loopback standing in for the mail provider (a third party): no auth, no
 * TLS, every accepted message parsed and kept for the test to read.
 */
export async function startSmtpServer(options: { port?: number; onMail?: (mail: ReceivedMail) => void } = {}): Promise<SmtpServerHandle> {
  const mails: ReceivedMail[] = [];
  let refusals = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 10 * 1024 * 1024,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        if (refusals > 0) {
          refusals -= 1;
          const error = Object.assign(new Error('Try again later'), { responseCode: 451 });
          return callback(error);
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then(
          (parsed) => {
            const to = Array.isArray(parsed.to) ? parsed.to : parsed.to ? [parsed.to] : [];
            mails.push({
              messageId: parsed.messageId,
              from: parsed.from?.value[0]?.address,
              to: to.flatMap((list) => list.value.map((address) => address.address ?? '')),
              toHeader: to.map((list) => list.text).join(', ') || undefined,
              subject: parsed.subject,
              text: parsed.text ?? '',
              raw,
            });
            options.onMail?.(mails[mails.length - 1]);
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  const port = options.port ?? (await freePort());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    host: '127.0.0.1',
    port,
    mails,
    refuseNext(count) {
      refusals = count;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
