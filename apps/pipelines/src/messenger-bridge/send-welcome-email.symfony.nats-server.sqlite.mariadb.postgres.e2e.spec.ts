// SendWelcomeEmail taken over end to end: the real Symfony app registers a user and dispatches the
// Messenger message with its own controller, the pipelines service (a process) drains the offramp
// transport through JetStream (a real nats-server) and writes the welcome mail as the PHP handler
// does; a failure lands in Symfony's failure transport, read and retried by the app's own console.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { busNameStamp, encodeMessengerBody, MessengerEnvelope, PhpObject } from '@offramp/legacy-bridge';
import { NatsConnectionManager } from '@offramp/messaging';
import { createDataSourceOptions } from '@offramp/persistence';
import {
  CookieJar,
  scratchDatabase,
  startNatsServer,
  startService,
  startSymfonyApp,
  waitUntil,
  workspaceRoot,
  type NatsServerHandle,
  type ScratchDatabase,
  type ScratchDatabaseKind,
  type ServiceProcess,
  type SymfonyApp,
} from '@offramp/testing';
import { DataSource } from 'typeorm';

const WELCOME = 'App\\Message\\SendWelcomeEmail';
const TAKEN_OVER = { OFFRAMP_TAKEN_OVER_MESSAGES: WELCOME };

describe.each<ScratchDatabaseKind>(['sqlite', 'mariadb', 'postgres'])('SendWelcomeEmail runs in pipelines (real Symfony app, nats-server, %s)', (kind) => {
  let database: ScratchDatabase;
  let server: NatsServerHandle;
  let symfony: SymfonyApp;
  let pipelines: ServiceProcess;
  let nats: NatsConnectionManager;
  let db: DataSource;

  // Messenger's commands write their report to stderr: capture both.
  const appEnv = () => ({ ...process.env, APP_ENV: 'prod', APP_DEBUG: '0', DATABASE_URL: symfony.databaseUrl, APP_VAR_DIR: symfony.varDir, ...TAKEN_OVER });
  const symfonyConsole = (args: string[]) =>
    execFileSync('sh', ['-c', 'php bin/console "$@" --no-interaction 2>&1', 'console', ...args], {
      cwd: join(workspaceRoot(), 'apps/legacy-symfony'),
      env: appEnv(),
      encoding: 'utf8',
      timeout: 60_000,
    });
  /** What the app's code does: $bus->dispatch(new SendWelcomeEmail($userId)), in the booted app. */
  const dispatchWelcome = (userId: number) =>
    execFileSync(
      'php',
      [
        '-r',
        `require 'config/bootstrap.php'; $k = new App\\Kernel('prod', false); $k->boot(); $k->getContainer()->get('messenger.default_bus')->dispatch(new App\\Message\\SendWelcomeEmail(${userId}, 'en'));`,
      ],
      { cwd: join(workspaceRoot(), 'apps/legacy-symfony'), env: appEnv(), encoding: 'utf8', timeout: 60_000 },
    );
  /** A query with ? placeholders on any of the three databases. */
  const query = (sql: string, params: unknown[] = []) => {
    let n = 0;
    return db.query(kind === 'postgres' ? sql.replace(/\?/g, () => `$${++n}`) : sql, params);
  };
  const register = async (email: string): Promise<number> => {
    const jar = new CookieJar();
    const form = await fetch(`${symfony.url}/register`, { signal: AbortSignal.timeout(15_000) });
    jar.keep(form);
    const csrf = /name="_csrf_token" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    const response = await fetch(`${symfony.url}/register`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header(), 'accept-language': 'fr' },
      body: new URLSearchParams({ email, name: 'Nouvelle Personne', password: 'long-enough', _csrf_token: csrf }).toString(),
      signal: AbortSignal.timeout(15_000),
    });
    expect(response.status).toBe(302);
    const [user] = (await query('SELECT id FROM users WHERE email = ?', [email])) as Array<{ id: number }>;
    return Number(user.id);
  };
  const mailsOf = async (userId: number) =>
    (await query('SELECT recipient, kind, subject FROM sent_emails WHERE user_id = ? ORDER BY id', [userId])) as Array<Record<string, string>>;
  // On MariaDB Symfony acks a row by marking it delivered in 9999 (deleted on a later get): not in the queue.
  const queued = async (queue: string) =>
    (await query("SELECT id, body FROM messenger_messages WHERE queue_name = ? AND (delivered_at IS NULL OR delivered_at < '9999-01-01') ORDER BY id", [
      queue,
    ])) as Array<{ id: number; body: string }>;

  beforeAll(async () => {
    server = await startNatsServer();
    database = await scratchDatabase(kind, 'offramp_messenger');
    symfony = await startSymfonyApp({ env: TAKEN_OVER, databaseUrl: database.url });
    db = new DataSource(createDataSourceOptions({ url: symfony.databaseUrl, poolSize: 1 }));
    await db.initialize();
    pipelines = await startService({
      app: 'pipelines',
      env: {
        DATABASE_URL: symfony.databaseUrl,
        NATS_URL: server.url,
        MESSENGER_BRIDGE_ENABLED: 'true',
        QUEUE_BRIDGE_ENABLED: 'false',
        OUTBOX_RELAY_ENABLED: 'false',
        MESSENGER_MAX_RETRIES: '2',
        MESSENGER_RETRY_DELAY_MS: '100',
        LOG_LEVEL: 'warn',
      },
    });
    nats = new NatsConnectionManager({ url: server.url, name: 'send-welcome-email-test' });
  }, 180_000);

  afterAll(async () => {
    await pipelines?.stop('SIGTERM');
    await nats?.close();
    await db?.destroy();
    await symfony?.close();
    await database?.drop();
    await server?.stop();
  });

  it('a registration queues SendWelcomeEmail on the offramp transport; pipelines sends the welcome mail once, in the user locale', async () => {
    const userId = await register('bienvenue@example.test');
    await waitUntil(async () => (await mailsOf(userId)).length > 0, { timeoutMs: 30_000, description: 'the welcome mail' });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await mailsOf(userId)).toEqual([{ recipient: 'bienvenue@example.test', kind: 'welcome', subject: 'Bienvenue, Nouvelle Personne' }]);
    expect(await queued('offramp')).toEqual([]);
    expect(await queued('default')).toEqual([]);
  }, 60_000);

  it('a message that keeps failing is retried, lands in the failure transport (messenger:failed:show), and messenger:failed:retry runs it in Node again', async () => {
    // A user deleted since the message was sent: the handler fails every time.
    const userId = 4242;
    dispatchWelcome(userId);
    await waitUntil(async () => (await queued('failed')).length === 1, { timeoutMs: 30_000, description: 'the message in the failure transport' });
    const [failed] = await queued('failed');
    expect(await mailsOf(userId)).toEqual([]);

    const list = symfonyConsole(['messenger:failed:show']);
    expect(list).toContain(WELCOME);
    const detail = symfonyConsole(['messenger:failed:show', String(failed.id)]);
    expect(detail).toContain(`SendWelcomeEmail: user ${userId} does not exist.`);
    expect(detail).toContain('App\\MessageHandler\\UnknownUser');
    expect(detail).toMatch(/Transport\s+offramp/);

    // The user is back: the retry sends the message to the offramp transport, where Node runs it.
    await query(
      "INSERT INTO users (id, name, email, password, created_at, updated_at) VALUES (?, 'Back Again', 'gone@example.test', 'x', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
      [userId],
    );
    expect(symfonyConsole(['messenger:failed:retry', String(failed.id), '--force'])).toContain('All done!');
    await waitUntil(async () => (await mailsOf(userId)).length > 0, { timeoutMs: 30_000, description: 'the retried welcome mail' });
    expect(await mailsOf(userId)).toEqual([{ recipient: 'gone@example.test', kind: 'welcome', subject: 'Welcome, Back Again' }]);
    expect(await queued('failed')).toEqual([]);
  }, 90_000);

  it('a corrupt body and an unknown class are dead-lettered with the reason, a class not taken over goes to PHP, and the next message still runs', async () => {
    const envelope = (message: PhpObject, ...stamps: PhpObject[]) => encodeMessengerBody(new MessengerEnvelope(message).with(busNameStamp(), ...stamps));
    const insert = (body: string) =>
      query(
        "INSERT INTO messenger_messages (body, headers, queue_name, created_at, available_at) VALUES (?, '[]', 'offramp', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
        [body],
      );
    await insert('O:36:\\"Symfony\\\\Component\\\\Messenger\\\\Envelope\\":2:{s:3:\\"abc}');
    await insert(envelope(new PhpObject(WELCOME, { userId: 1, locale: 'en' }), new PhpObject('App\\Evil\\Gadget', { cmd: 'rm -rf /' })));
    await insert(envelope(new PhpObject('App\\Message\\SomethingElse', { n: 1 })));
    await waitUntil(async () => (await queued('offramp')).length === 0, { timeoutMs: 30_000, description: 'the offramp queue drained' });
    const php = await queued('default');
    expect(php).toHaveLength(1);
    expect(php[0].body).toContain('SomethingElse');

    const js = jetstream(await nats.connected());
    const consumer = await js.consumers.get('OFFRAMP_DLQ', { filter_subjects: 'dlq.messenger-bridge' });
    const reasons: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const m = await consumer.next({ expires: 1_000 });
      if (!m) break;
      reasons.push(m.headers?.get('Offramp-Dead-Letter-Reason') ?? '');
    }
    expect(reasons).toEqual([expect.stringMatching(/^corrupt_body: /), expect.stringMatching(/^unexpected_class: .*App\\Evil\\Gadget/)]);

    const userId = await register('after@example.test');
    await waitUntil(async () => (await mailsOf(userId)).length > 0, { timeoutMs: 30_000, description: 'the next welcome mail' });
  }, 60_000);
});
