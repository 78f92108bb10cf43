// The jobs admin API's reads and retry on the monolith's own tables (its migrations, on SQLite,
// MariaDB and PostgreSQL):
// a retry must leave in `jobs` exactly what `php artisan queue:retry` leaves for the same failure.
import { BadRequestException, ConflictException, NotFoundException } from '@nestjs/common';
import { createInboxTableSql, FailedJobsTable, IdempotentConsumer, SEND_ORDER_CONFIRMATION } from '@offramp/messaging';
import { createDataSourceOptions } from '@offramp/persistence';
import { artisan, scratchDatabase, type ScratchDatabase } from '@offramp/testing';
import { DataSource } from 'typeorm';
import { CreateOfframpJobRetries1764100000200 } from '../migrations/create-job-retries.migration.js';
import type { PipelinesConfig } from '../pipelines-config.type.js';
import { JobStatsController } from './job-stats.controller.js';
import { JobStatsService } from './job-stats.service.js';

const config = { QUEUE_BRIDGE_DRIVER: 'database', QUEUE_BRIDGE_RETRY_AFTER_SECONDS: 90 } as PipelinesConfig;

describe.each(['sqlite', 'mariadb', 'postgres'] as const)('JobStatsService on %s', (kind) => {
  let database: ScratchDatabase;
  let db: DataSource;
  let stats: JobStatsService;
  let dispatched: Array<{ id: number; queue: string; payload: string }>;
  let failedJobs: FailedJobsTable;

  beforeAll(async () => {
    database = await scratchDatabase(kind, 'offramp_job_stats');
    await artisan(database.url, ['migrate', '--force']);
    await artisan(database.url, ['shop:seed', '--products=5', '--users=2', '--orders=0']);
    await artisan(database.url, ['shop:simulate', '--orders=2', '--dispatch-confirmations']);
    db = new DataSource(createDataSourceOptions({ url: database.url, poolSize: 1 }));
    await db.initialize();
    await db.query(createInboxTableSql(db.options.type));
    const runner = db.createQueryRunner();
    await new CreateOfframpJobRetries1764100000200().up(runner);
    await runner.release();
    failedJobs = new FailedJobsTable(db);
    // two SendOrderConfirmation jobs as Laravel queued them; they fail in Node below, so off the queue
    dispatched = (await db.query(`SELECT id, queue, payload FROM jobs ORDER BY id`)) as typeof dispatched;
    await db.query('DELETE FROM jobs');
    stats = new JobStatsService(db, config);
  }, 120_000);

  afterAll(async () => {
    stats?.onModuleDestroy();
    await db?.destroy();
    await database?.drop();
  });

  afterEach(async () => {
    await db.query('DELETE FROM jobs');
    await db.query('DELETE FROM failed_jobs');
    await db.query('DELETE FROM offramp_job_retries');
  });

  const jane = { by: 'jane@ops', reason: 'SMTP relay fixed' };

  const fail = (uuid: string, payload: string, connection = 'database') =>
    failedJobs.record(db, { uuid, connection, queue: 'offramp', payload, exception: `Error: SMTP 451 mailbox busy\n    at send (mailer.js:1:1)` });

  it('pushes a failed job back on its queue as php artisan queue:retry does, and forgets it', async () => {
    expect(dispatched).toHaveLength(2);
    // the same failure twice under two failed_jobs uuids: one retried here, the other by Laravel
    const payload = JSON.stringify({ ...JSON.parse(dispatched[0].payload), attempts: 3, offrampFailures: 1 });
    const [ours, laravels] = [crypto.randomUUID(), crypto.randomUUID()];
    await fail(ours, payload);
    await fail(laravels, payload);

    expect(await stats.retry(ours, jane, new Date('2026-03-01T12:00:00Z'))).toEqual({ uuid: ours, queue: 'offramp' });
    await artisan(database.url, ['queue:retry', laravels]);

    const queued = (await db.query(`SELECT queue, payload, attempts, reserved_at FROM jobs ORDER BY id`)) as Array<Record<string, unknown>>;
    expect(queued).toHaveLength(2);
    expect(queued[0]).toEqual(queued[1]);
    expect(queued[0]).toMatchObject({ queue: 'offramp', attempts: 0, reserved_at: null });
    expect(JSON.parse(String(queued[0].payload))).toMatchObject({ attempts: 0, offrampFailures: 1, displayName: SEND_ORDER_CONFIRMATION.phpClass });
    expect(await db.query('SELECT uuid FROM failed_jobs')).toEqual([]);
    // the retry is recorded with who and why; Laravel's own queue:retry is not ours to record
    expect(await stats.retries(10)).toEqual({
      retries: [
        {
          id: expect.any(String),
          uuid: ours,
          job: SEND_ORDER_CONFIRMATION.phpClass,
          queue: 'offramp',
          ...{ actor: 'jane@ops', reason: 'SMTP relay fixed' },
          at: '2026-03-01T12:00:00.000Z',
        },
      ],
    });
  });

  it('lists retries newest first, at most limit', async () => {
    const [first, second] = [crypto.randomUUID(), crypto.randomUUID()];
    await fail(first, dispatched[0].payload);
    await fail(second, dispatched[1].payload);
    await stats.retry(first, { by: 'a', reason: 'one' }, new Date('2026-03-01T10:00:00Z'));
    await stats.retry(second, { by: 'b', reason: 'two' }, new Date('2026-03-01T11:00:00Z'));
    expect((await stats.retries(1)).retries.map((r) => [r.uuid, r.actor, r.reason])).toEqual([[second, 'b', 'two']]);
    expect((await stats.retries(5)).retries.map((r) => r.uuid)).toEqual([second, first]);
  });

  it('refuses a retry without a reason through the endpoint, naming the field, and changes nothing', async () => {
    const uuid = crypto.randomUUID();
    await fail(uuid, dispatched[0].payload);
    const controller = new JobStatsController(stats);
    for (const body of [undefined, {}, { by: 'jane@ops', reason: ' ' }]) {
      const refused = controller.retry(uuid, body);
      await expect(refused).rejects.toBeInstanceOf(BadRequestException);
      await expect(refused).rejects.toMatchObject({ invalidParams: [{ name: 'reason', reason: 'say why: the reason goes into the audit log' }] });
    }
    expect(await db.query('SELECT id FROM jobs')).toEqual([]);
    expect(await db.query('SELECT uuid FROM failed_jobs')).toEqual([{ uuid }]);
    expect((await stats.retries(10)).retries).toEqual([]);
  });

  it('refuses an unknown uuid and a failure of another queue connection, and changes nothing', async () => {
    const other = crypto.randomUUID();
    await fail(other, dispatched[1].payload, 'redis');
    await expect(stats.retry(crypto.randomUUID(), jane)).rejects.toBeInstanceOf(NotFoundException);
    await expect(stats.retry(other, jane)).rejects.toBeInstanceOf(ConflictException);
    expect(await db.query('SELECT id FROM jobs')).toEqual([]);
    expect(await db.query('SELECT uuid FROM failed_jobs')).toEqual([{ uuid: other }]);
    expect((await stats.retries(10)).retries).toEqual([]);
  });

  it('lists failed jobs newest first with the job class and the first line of the exception', async () => {
    const [older, newer] = [crypto.randomUUID(), crypto.randomUUID()];
    await failedJobs.record(db, {
      uuid: older,
      connection: 'database',
      queue: 'offramp',
      payload: dispatched[0].payload,
      exception: 'Error: a\nb',
      failedAt: new Date('2026-01-01T10:00:00Z'),
    });
    await failedJobs.record(db, {
      uuid: newer,
      connection: 'database',
      queue: 'offramp',
      payload: dispatched[1].payload,
      exception: 'Error: c\nd',
      failedAt: new Date('2026-01-01T11:00:00Z'),
    });
    expect(await stats.failedJobs(1)).toEqual({
      total: 2,
      failedJobs: [
        {
          uuid: newer,
          job: SEND_ORDER_CONFIRMATION.phpClass,
          connection: 'database',
          queue: 'offramp',
          failedAt: '2026-01-01T11:00:00.000Z',
          exception: 'Error: c',
        },
      ],
    });
  });

  it('counts the jobs each class settled per minute from the inbox, and its failures from failed_jobs', async () => {
    const once = new IdempotentConsumer(db);
    const consumer = 'pipelines-send-order-confirmation';
    for (let i = 0; i < 12; i += 1) await once.run({ consumer, eventId: `rate-${i}`, subject: SEND_ORDER_CONFIRMATION.subject }, async () => undefined);
    await fail(crypto.randomUUID(), dispatched[0].payload);
    await fail(crypto.randomUUID(), dispatched[1].payload);
    // another class's failure is not this one's
    await fail(crypto.randomUUID(), JSON.stringify({ displayName: 'App\\Jobs\\SomethingElse' }));

    const now = new Date();
    const rates = await stats.rates(5, now);
    expect(rates.minutes).toBe(5);
    const mine = rates.classes.find((c) => c.jobClass === SEND_ORDER_CONFIRMATION.phpClass);
    expect(mine?.points).toHaveLength(5);
    expect(mine?.total).toBe(12);
    expect(mine?.points.at(-1)?.minute).toBe(`${now.toISOString().slice(0, 16)}:00.000Z`);
    // written a moment ago: in the current minute, or the one before when a minute began meanwhile
    const recent = mine?.points.slice(-2) ?? [];
    expect(recent.reduce((sum, p) => sum + p.perSecond * 60, 0)).toBeCloseTo(12);
    expect(recent.reduce((sum, p) => sum + p.failedPerSecond * 60, 0)).toBeCloseTo(2);
    expect(mine?.points.slice(0, -2).every((p) => p.perSecond === 0 && p.failedPerSecond === 0)).toBe(true);
    // the window ends with the current minute: an hour later these jobs are out of a 5-minute window
    const later = await stats.rates(5, new Date(now.getTime() + 3_600_000));
    expect(later.classes.find((c) => c.jobClass === SEND_ORDER_CONFIRMATION.phpClass)?.total).toBe(0);
  });
});
