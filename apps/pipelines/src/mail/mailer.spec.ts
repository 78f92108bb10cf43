// A prepared mail is not a mail until it is completed: the server (a real SMTP server on loopback)
// accepts it on its final dot alone, and an abandoned one never arrives.
import { startSmtpServer, waitUntil, type SmtpServerHandle } from '@offramp/testing';
import type { PipelinesConfig } from '../pipelines-config.type.js';
import { Mailer } from './mailer.js';

describe('Mailer.prepare (loopback SMTP server)', () => {
  let smtp: SmtpServerHandle;
  let mailer: Mailer;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    const config = {
      MAIL_HOST: smtp.host,
      MAIL_PORT: smtp.port,
      MAIL_ENCRYPTION: '',
      MAIL_MAX_CONNECTIONS: 2,
      MAIL_FROM_ADDRESS: 'shop@example.test',
      MAIL_FROM_NAME: 'Offramp Shop',
    } as PipelinesConfig;
    mailer = new Mailer(config);
  });

  afterAll(async () => {
    mailer?.onApplicationShutdown();
    await smtp?.stop();
  });

  const mail = (n: number) => ({
    messageId: `<job-${n}@example.test>`,
    to: { address: `customer${n}@example.test`, name: `Customer ${n}` },
    subject: `Order #${n} confirmed`,
    text: `Thank you for your order #${n}.\n`,
  });

  it('sends nothing until complete(), drops an abandoned mail, and holds no more mails than connections', async () => {
    const first = await mailer.prepare(mail(1));
    const second = await mailer.prepare(mail(2));
    let thirdPrepared = false;
    const third = mailer.prepare(mail(3)).then((prepared) => {
      thirdPrepared = true;
      return prepared;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.mails).toEqual([]);
    expect(thirdPrepared).toBe(false); // both connections hold a prepared mail

    await first.complete();
    expect(smtp.mails.map((received) => received.messageId)).toEqual(['<job-1@example.test>']);
    expect(smtp.mails[0]).toMatchObject({ from: 'shop@example.test', to: ['customer1@example.test'], subject: 'Order #1 confirmed' });
    expect(smtp.mails[0].text).toBe('Thank you for your order #1.\n');

    await second.abandon();
    await (await third).complete();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(smtp.mails.map((received) => received.messageId)).toEqual(['<job-1@example.test>', '<job-3@example.test>']);

    // the abandoned mail's connection is gone, the pool opens another
    const fourth = await mailer.prepare(mail(4));
    await fourth.complete();
    await waitUntil(() => smtp.mails.length === 3, { timeoutMs: 5_000, description: 'the fourth mail' });
    expect(smtp.mails[2].messageId).toBe('<job-4@example.test>');
  }, 30_000);

  it('a server refusal rejects complete()', async () => {
    smtp.refuseNext(1);
    const refused = await mailer.prepare(mail(5));
    await expect(refused.complete()).rejects.toMatchObject({ responseCode: 451 });
    const next = await mailer.prepare(mail(6));
    await next.complete();
    expect(smtp.mails.at(-1)?.messageId).toBe('<job-6@example.test>');
  }, 30_000);
});
