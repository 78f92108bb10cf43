// SendOrderConfirmation through the redis queue driver: the monolith (QUEUE_CONNECTION=redis, a
// REDIS_PREFIX of its own on the machine's Redis) dispatches with its own code, pipelines drains
// queues:offramp into JetStream and mails over SMTP.
import { randomBytes } from 'node:crypto';
import { createDataSourceOptions } from '@offramp/persistence';
import {
  artisan,
  startNatsServer,
  startService,
  startSmtpServer,
  tempSqlite,
  waitUntil,
  type NatsServerHandle,
  type ServiceProcess,
  type SmtpServerHandle,
  type TempSqlite,
} from '@offramp/testing';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';

describe('SendOrderConfirmation from the redis queue (real Laravel, Redis, nats-server, SMTP server)', () => {
  const prefix = `offramp_test_${randomBytes(4).toString('hex')}:`;
  let smtp: SmtpServerHandle;
  let server: NatsServerHandle;
  let database: TempSqlite;
  let pipelines: ServiceProcess;
  let redis: Redis;

  beforeAll(async () => {
    database = tempSqlite('redis-jobs.sqlite');
    await artisan(database.url, ['migrate', '--force']);
    await artisan(database.url, ['shop:seed', '--products=40', '--users=5', '--orders=0']);
    smtp = await startSmtpServer();
    server = await startNatsServer();
    redis = new Redis({ host: '127.0.0.1', port: 6379, keyPrefix: prefix, maxRetriesPerRequest: 2 });
    pipelines = await startService({
      app: 'pipelines',
      env: {
        DATABASE_URL: database.url,
        NATS_URL: server.url,
        MAIL_HOST: smtp.host,
        MAIL_PORT: String(smtp.port),
        QUEUE_BRIDGE_DRIVER: 'redis',
        REDIS_URL: 'redis://127.0.0.1:6379/0',
        REDIS_PREFIX: prefix,
        LOG_LEVEL: 'warn',
      },
    });
  }, 120_000);

  afterAll(async () => {
    await pipelines?.stop('SIGTERM');
    const keys = await redis?.keys(`${prefix}*`);
    if (keys?.length) await redis.del(...keys.map((key) => key.slice(prefix.length)));
    redis?.disconnect();
    await server?.stop();
    await smtp?.stop();
    database?.remove();
  });

  it('every order the monolith placed gets one mail, and the redis queue is left empty', async () => {
    await artisan(database.url, ['shop:simulate', '--orders=20', '--dispatch-confirmations'], {
      QUEUE_CONNECTION: 'redis',
      REDIS_PREFIX: prefix,
    });
    const db = new DataSource(createDataSourceOptions({ url: database.url, poolSize: 1 }));
    await db.initialize();
    const orders = ((await db.query('SELECT id FROM orders ORDER BY id')) as Array<{ id: number }>).map((row) => `Order #${row.id} confirmed`);
    await db.destroy();
    await waitUntil(() => smtp.mails.length >= orders.length, { timeoutMs: 30_000, description: `${orders.length} mails` });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(smtp.mails.map((mail) => mail.subject).sort()).toEqual([...orders].sort());
    expect(await redis.llen('queues:offramp')).toBe(0);
    expect(await redis.zcard('queues:offramp:reserved')).toBe(0);
  }, 60_000);
});
