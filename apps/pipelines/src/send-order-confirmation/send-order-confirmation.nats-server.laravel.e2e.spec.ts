// SendOrderConfirmation taken over end to end: the real Laravel app places the order and
// dispatches the job with its own code, the pipelines service (a process) drains the offramp
// queue through JetStream (a real nats-server) and mails over SMTP to a loopback SMTP server.
import { jetstream } from '@nats-io/jetstream';
import type { EventPayload } from '@offramp/contracts';
import { createJobPayload, MODEL_IDENTIFIER, PhpObject, queueableProperties } from '@offramp/legacy-bridge';
import { JobsTable, NatsConnectionManager, sendOrderConfirmationPayload } from '@offramp/messaging';
import { createDataSourceOptions } from '@offramp/persistence';
import {
  artisan,
  startLegacyApp,
  startNatsServer,
  startService,
  startSmtpServer,
  waitUntil,
  type LegacyApp,
  type NatsServerHandle,
  type ServiceProcess,
  type SmtpServerHandle,
} from '@offramp/testing';
import { DataSource } from 'typeorm';

const SEND = 'App\\Jobs\\SendOrderConfirmation';
type JobMessage = EventPayload<'shop.jobs.send-order-confirmation.v1'>;

describe('SendOrderConfirmation runs in pipelines (real Laravel app, nats-server, SMTP server)', () => {
  let smtp: SmtpServerHandle;
  let server: NatsServerHandle;
  let legacy: LegacyApp;
  let pipelines: ServiceProcess;
  let nats: NatsConnectionManager;
  let db: DataSource;
  let customer: string;

  const mailEnv = () => ({ MAIL_MAILER: 'smtp', MAIL_HOST: smtp.host, MAIL_PORT: String(smtp.port) });
  const placeOrder = async (): Promise<number> => {
    const xsrf = decodeURIComponent(/XSRF-TOKEN=([^;]+)/.exec(customer)?.[1] ?? '');
    const response = await fetch(`${legacy.url}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', cookie: customer, 'x-xsrf-token': xsrf },
      body: JSON.stringify({
        items: [
          { product_id: 3, quantity: 2 },
          { product_id: 5, quantity: 1 },
        ],
      }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: number }).id;
  };
  const mailsFor = (orderId: number) => smtp.mails.filter((mail) => mail.subject === `Order #${orderId} confirmed`);
  const jobMessages = async (): Promise<JobMessage[]> => {
    const js = jetstream(await nats.connected());
    const consumer = await js.consumers.get('OFFRAMP_EVENTS', { filter_subjects: 'shop.jobs.send-order-confirmation.v1' });
    const out: JobMessage[] = [];
    for (;;) {
      const m = await consumer.next({ expires: 1_000 });
      if (!m) return out;
      out.push(m.json<JobMessage>());
    }
  };
  /**
   * Until no other connection committed to the monolith's SQLite file for 500 ms (PRAGMA
   * data_version moves with each commit of another connection), so that PHP's worker runs while
   * pipelines is done with the order. Laravel's database queue deletes a finished job in a
   * read-then-write transaction; on SQLite a commit of another connection in between fails it
   * (SQLITE_BUSY on the snapshot, which no busy timeout waits for), and the job is released again:
   * Laravel's own behaviour beside any second writer, a second PHP worker as much as the bridge.
   */
  const quietDatabase = async () => {
    let version: number | undefined;
    let since = Date.now();
    await waitUntil(
      async () => {
        const [{ data_version: now }] = (await db.query('PRAGMA data_version')) as Array<{ data_version: number }>;
        if (now !== version) [version, since] = [now, Date.now()];
        return Date.now() - since >= 500;
      },
      { timeoutMs: 15_000, intervalMs: 50, description: 'no commit of another connection to the monolith database for 500 ms' },
    );
  };
  const failedJobs = async () =>
    (await db.query('SELECT uuid, connection, queue, payload, exception FROM failed_jobs ORDER BY id')) as Array<Record<string, string>>;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    server = await startNatsServer();
    legacy = await startLegacyApp({ env: { ...mailEnv() } });
    db = new DataSource(createDataSourceOptions({ url: legacy.databaseUrl, poolSize: 1 }));
    await db.initialize();
    pipelines = await startService({
      app: 'pipelines',
      env: { DATABASE_URL: legacy.databaseUrl, NATS_URL: server.url, MAIL_HOST: smtp.host, MAIL_PORT: String(smtp.port), LOG_LEVEL: 'warn' },
    });
    nats = new NatsConnectionManager({ url: server.url, name: 'send-order-confirmation-test' });
    customer = await legacy.login('customer@example.test');
  }, 120_000);

  afterAll(async () => {
    await pipelines?.stop('SIGTERM');
    await nats?.close();
    await db?.destroy();
    await legacy?.close();
    await server?.stop();
    await smtp?.stop();
  });

  it('an order placed in PHP gets its confirmation once, with a Message-ID from the job uuid', async () => {
    const orderId = await placeOrder();
    await waitUntil(async () => mailsFor(orderId).length > 0, { timeoutMs: 60_000, description: `the mail of order ${orderId}` });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const [mail, ...more] = mailsFor(orderId);
    expect(more).toEqual([]);
    const job = (await jobMessages()).find((message) => message.order_id === orderId);
    expect(job?.job).toMatchObject({ display_name: SEND, max_tries: 3, queue: 'offramp', connection: 'database' });
    expect(mail.messageId).toBe(`<${job?.job.uuid}@example.test>`);
    expect(mail.to).toEqual(['customer@example.test']);
    expect(mail.from).toBe('shop@example.test');
    expect(await db.query(`SELECT id FROM jobs`)).toEqual([]);
  }, 60_000);

  it("sends the very mail PHP's own handler sends (recipient, subject, body)", async () => {
    const orderId = await placeOrder();
    await waitUntil(async () => mailsFor(orderId).length === 1, { timeoutMs: 60_000, description: `the mail of order ${orderId}` });
    const node = mailsFor(orderId)[0];
    // the same Laravel payload, run by PHP's worker from a queue the bridge does not drain
    const job = (await jobMessages()).find((message) => message.order_id === orderId);
    await new JobsTable(db).push('php-compare', job?.job.payload ?? '');
    await quietDatabase();
    await artisan(legacy.databaseUrl, ['queue:work', 'database', '--queue=php-compare', '--once'], { ...mailEnv(), APP_KEY: legacy.appKey });
    await waitUntil(async () => mailsFor(orderId).length === 2, { timeoutMs: 30_000, description: 'the mail sent by PHP' });
    const php = mailsFor(orderId)[1];
    // Swift Mailer sends quoted-printable with CRLF and one more CRLF before the end of DATA
    const normalize = (text: string) => text.replace(/\r\n/g, '\n').replace(/\n+$/, '\n');
    expect({ to: node.to, toHeader: node.toHeader, from: node.from, subject: node.subject, text: normalize(node.text) }).toEqual({
      to: php.to,
      toHeader: php.toHeader,
      from: php.from,
      subject: php.subject,
      text: normalize(php.text),
    });
    expect(node.text).toMatch(/^Thank you for your order #\d+\.\n\n2 x .+ @ [A-Z]{3} \d+\.\d\d\n1 x .+\n\nTotal: [A-Z]{3} \d+\.\d\d\n$/);
  }, 60_000);

  it("a job written in Node is run by PHP's own worker (Node → PHP: queue:work --once)", async () => {
    const orderId = await placeOrder();
    await waitUntil(async () => mailsFor(orderId).length === 1, { timeoutMs: 60_000, description: `the mail of order ${orderId}` });
    // a queue only PHP works on: the slice dispatches a job that PHP still owns
    await new JobsTable(db).push('php-owned', sendOrderConfirmationPayload(orderId, 'sqlite', 'php-owned'));
    await quietDatabase();
    await artisan(legacy.databaseUrl, ['queue:work', 'database', '--queue=php-owned', '--once'], { ...mailEnv(), APP_KEY: legacy.appKey });
    await waitUntil(async () => mailsFor(orderId).length === 2, { timeoutMs: 30_000, description: 'the mail sent by PHP' });
    expect(mailsFor(orderId)[1].messageId).toMatch(/@swift\.generated>$/);
    expect(await db.query(`SELECT id FROM jobs`)).toEqual([]);
    expect(await failedJobs()).toEqual([]);
  }, 60_000);

  it('a job that keeps failing is tried as often as Laravel would, lands in failed_jobs, and queue:retry runs it again in Node', async () => {
    smtp.refuseNext(3); // SendOrderConfirmation has $tries = 3 and no backoff
    const orderId = await placeOrder();
    await waitUntil(async () => (await failedJobs()).length === 1, { timeoutMs: 30_000, description: 'one failed_jobs row' });
    const [failed] = await failedJobs();
    expect(mailsFor(orderId)).toEqual([]);
    expect(failed).toMatchObject({ connection: 'database', queue: 'offramp' });
    expect(failed.exception).toMatch(/Try again later/);
    expect(JSON.parse(failed.payload)).toMatchObject({ uuid: failed.uuid, displayName: SEND, offrampFailures: 1 });

    const listed = await artisan(legacy.databaseUrl, ['queue:failed'], { APP_KEY: legacy.appKey });
    expect(listed).toContain(failed.uuid);
    expect(listed).toContain(SEND);
    await artisan(legacy.databaseUrl, ['queue:retry', failed.uuid], { APP_KEY: legacy.appKey });
    await waitUntil(async () => mailsFor(orderId).length === 1, { timeoutMs: 20_000, description: 'the retried mail' });
    expect(await failedJobs()).toEqual([]);
    expect(mailsFor(orderId)[0].messageId).toBe(`<${failed.uuid}@example.test>`);
  }, 90_000);

  it('a job for an order that no longer exists fails at once with the reason, and nothing else breaks', async () => {
    const order = new PhpObject(MODEL_IDENTIFIER, { class: 'App\\Models\\Order', id: 999_999, relations: ['items'], connection: null });
    const payload = createJobPayload({ maxTries: 3, command: new PhpObject(SEND, { tries: 3, order, ...queueableProperties('offramp') }) });
    await new JobsTable(db).push('offramp', payload);
    await waitUntil(async () => (await failedJobs()).length === 1, { timeoutMs: 20_000, description: 'one failed_jobs row' });
    const [failed] = await failedJobs();
    expect(failed.exception).toMatch(/^ModelNotFoundError: No query results for model \[App\\Models\\Order\] 999999/);
    expect(failed.uuid).toBe((JSON.parse(payload) as { uuid: string }).uuid);
    expect(pipelines.output()).toMatch(/No query results for model/);
    await db.query('DELETE FROM failed_jobs');
    // the next order still gets its mail
    const orderId = await placeOrder();
    await waitUntil(async () => mailsFor(orderId).length === 1, { timeoutMs: 60_000, description: `the mail of order ${orderId}` });
  }, 60_000);
});
