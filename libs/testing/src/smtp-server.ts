import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import { freePort } from './free-port.js';

/**
 * smtp-server waits 100 ms before each greeting to catch early talkers (a spam defence of a public
 * server). Laravel's mailer opens a connection per mail, so on this loopback stand-in that pause alone
 * held a PHP worker under 10 mails/s; a mail provider greets at once. Only servers marked here skip it.
 */
const GREET_AT_ONCE = Symbol('greetAtOnce');
const pausedInit = SMTPConnection.prototype.init;
SMTPConnection.prototype.init = function init(this: SMTPConnection) {
  if (!(this._server as unknown as Record<symbol, unknown>)[GREET_AT_ONCE]) return pausedInit.call(this);
  this._setListeners(() => this.connectionReady());
};

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

export interface SmtpServerOptions {
  port?: number;
  onMail?: (mail: ReceivedMail) => void;
  /**
   * `full` (default): every mail parsed as MIME (mailparser) before the server answers. `headers`:
   * only the header block is read (Message-ID, From, To, Subject; `text` is the raw body), so a
   * benchmark's server costs a few microseconds a mail instead of mailparser's ~0.2 ms.
   */
  parse?: 'full' | 'headers';
}

/**
 * A real SMTP server on loopback standing in for the mail provider (a third party): no auth, no
 * TLS, no reverse DNS or greeting pause, every accepted message parsed and kept for the test to read.
 */
export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<SmtpServerHandle> {
  const mails: ReceivedMail[] = [];
  let refusals = 0;
  const accept = (mail: ReceivedMail) => {
    mails.push(mail);
    options.onMail?.(mail);
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
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
        if (options.parse === 'headers') {
          accept(readHeaders(raw));
          return callback();
        }
        simpleParser(raw).then(
          (parsed) => {
            const to = Array.isArray(parsed.to) ? parsed.to : parsed.to ? [parsed.to] : [];
            accept({
              messageId: parsed.messageId,
              from: parsed.from?.value[0]?.address,
              to: to.flatMap((list) => list.value.map((address) => address.address ?? '')),
              toHeader: to.map((list) => list.text).join(', ') || undefined,
              subject: parsed.subject,
              text: parsed.text ?? '',
              raw,
            });
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  (server as unknown as Record<symbol, unknown>)[GREET_AT_ONCE] = true;
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

/** The `headers` reading: unfolded header lines, addresses as `<…>` or bare; no MIME decoding. */
function readHeaders(raw: string): ReceivedMail {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const addresses = (value: string | undefined) =>
    (value ?? '')
      .split(',')
      .map((part) => (/<([^>]*)>/.exec(part)?.[1] ?? part).trim())
      .filter(Boolean);
  return {
    messageId: headers.get('message-id'),
    from: addresses(headers.get('from'))[0],
    to: addresses(headers.get('to')),
    toHeader: headers.get('to'),
    subject: headers.get('subject'),
    text: split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, ''),
    raw,
  };
}
