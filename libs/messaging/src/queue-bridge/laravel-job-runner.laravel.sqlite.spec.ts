// LaravelJobRunner's worker semantics, deliveries counted as JetStream counts them, failures
// written into the monolith's own failed_jobs table (its migration, on SQLite).
import type { JsMsg } from '@nats-io/jetstream';
import { createDataSourceOptions } from '@offramp/persistence';
import { artisan, tempSqlite, type TempSqlite } from '@offramp/testing';
import { DataSource } from 'typeorm';
import { JetStreamContext } from '../consumer/jetstream.context.js';
import { RetryLaterError } from '../consumer/retry-later.error.js';
import type { LaravelJobEnvelope } from './bridged-job.js';
import { JobTimedOutError, LaravelJobRunner, ModelNotFoundError } from './laravel-job-runner.js';

const job = (overrides: Partial<LaravelJobEnvelope> = {}): LaravelJobEnvelope => ({
  uuid: crypto.randomUUID(),
  display_name: 'App\\Jobs\\SendOrderConfirmation',
  connection: 'database',
  queue: 'offramp',
  attempts: 0,
  max_tries: 3,
  backoff_seconds: [1, 5],
  timeout_seconds: null,
  retry_until: null,
  delete_when_missing_models: false,
  payload: '{"uuid":"x","displayName":"App\\\\Jobs\\\\SendOrderConfirmation"}',
  ...overrides,
});
/** The n-th delivery of a message, as the consumer transport hands it to a handler. */
const delivery = (n: number) => new JetStreamContext([{} as JsMsg, { eventId: 'e' }, 'test', n]);
const failing = () => Promise.reject(new Error('SMTP 451'));

describe('LaravelJobRunner', () => {
  let database: TempSqlite;
  let db: DataSource;
  let runner: LaravelJobRunner;
  const failed = async (uuid: string) =>
    (await db.query('SELECT uuid, connection, queue, payload, exception FROM failed_jobs WHERE uuid = ?', [uuid])) as Array<Record<string, string>>;

  beforeAll(async () => {
    database = tempSqlite('runner.sqlite');
    await artisan(database.url, ['migrate', '--force']);
    db = new DataSource(createDataSourceOptions({ url: database.url, poolSize: 1 }));
    await db.initialize();
    runner = new LaravelJobRunner({ dataSource: db });
  }, 60_000);

  afterAll(async () => {
    await db?.destroy();
    database?.remove();
  });

  it('retries after the backoff of each attempt (the last one repeats), then writes failed_jobs after the last try', async () => {
    const j = job({ max_tries: 4 });
    await expect(runner.run(j, delivery(1), failing)).rejects.toEqual(expect.objectContaining({ name: 'RetryLaterError', delayMs: 1_000 }));
    await expect(runner.run(j, delivery(2), failing)).rejects.toEqual(expect.objectContaining({ delayMs: 5_000 }));
    await expect(runner.run(j, delivery(3), failing)).rejects.toEqual(expect.objectContaining({ delayMs: 5_000 }));
    expect(await failed(j.uuid)).toEqual([]);
    expect(await runner.run(j, delivery(4), failing)).toBe('failed');
    const [row] = await failed(j.uuid);
    expect(row).toMatchObject({ connection: 'database', queue: 'offramp' });
    expect(row.exception).toMatch(/^Error: SMTP 451/);
    expect(JSON.parse(row.payload)).toEqual({ uuid: 'x', displayName: 'App\\Jobs\\SendOrderConfirmation', offrampFailures: 1 });
  });

  it('counts the attempts PHP made before the job reached the bridge', async () => {
    const j = job({ attempts: 2 });
    expect(await runner.run(j, delivery(1), failing)).toBe('failed');
    expect(await failed(j.uuid)).toHaveLength(1);
  });

  it('ends an attempt at the job timeout', async () => {
    const j = job({ timeout_seconds: 1 });
    const error = await runner.run(j, delivery(1), () => new Promise(() => undefined)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryLaterError);
    expect((error as RetryLaterError).cause).toBeInstanceOf(JobTimedOutError);
  });

  it('starts no attempt past retryUntil, or past the tries', async () => {
    let ran = 0;
    const late = job({ retry_until: Math.floor(Date.now() / 1000) - 1 });
    expect(await runner.run(late, delivery(1), async () => void (ran += 1))).toBe('failed');
    const spent = job({ max_tries: 1 });
    expect(await runner.run(spent, delivery(2), async () => void (ran += 1))).toBe('failed');
    expect(ran).toBe(0);
    expect((await failed(late.uuid))[0].exception).toMatch(/^MaxAttemptsExceededError: .* has been attempted too many times or run too long/);
  });

  it('fails a job whose model is gone at once, or deletes it when the job says deleteWhenMissingModels', async () => {
    const missing = () => Promise.reject(new ModelNotFoundError('App\\Models\\Order', 7));
    const strict = job();
    expect(await runner.run(strict, delivery(1), missing)).toBe('failed');
    expect((await failed(strict.uuid))[0].exception).toMatch(/^ModelNotFoundError: No query results for model \[App\\Models\\Order\] 7/);
    const lenient = job({ delete_when_missing_models: true });
    expect(await runner.run(lenient, delivery(1), missing)).toBe('deleted-missing-model');
    expect(await failed(lenient.uuid)).toEqual([]);
  });
});
