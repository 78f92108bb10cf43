import { randomUUID } from 'node:crypto';
import { scratchDatabase, type ScratchDatabase } from '@offramp/testing';
import { DataSource, type EntitySubscriberInterface } from 'typeorm';
import { createDataSourceOptions } from '@offramp/persistence';
import { IdempotentConsumer } from './idempotent-consumer.js';
import { createInboxTableSql } from './inbox.migration.js';

describe.each([
  ['SQLite', () => scratchDatabase('sqlite')],
  ['MariaDB', () => scratchDatabase('mariadb')],
  ['PostgreSQL', () => scratchDatabase('postgres')],
])('IdempotentConsumer on %s', (_name, create) => {
  let target: ScratchDatabase;
  let dataSource: DataSource;
  let once: IdempotentConsumer;
  const effects = async (eventId: string) =>
    Number(
      (
        (await dataSource.query(`SELECT COUNT(*) AS n FROM effects WHERE event_id = ${dataSource.options.type === 'postgres' ? '$1' : '?'}`, [
          eventId,
        ])) as Array<{ n: number }>
      )[0].n,
    );
  const write = (eventId: string) => (manager: DataSource['manager']) =>
    manager.query(`INSERT INTO effects (event_id) VALUES (${manager.connection.options.type === 'postgres' ? '$1' : '?'})`, [eventId]);

  beforeAll(async () => {
    target = await create();
    dataSource = new DataSource(createDataSourceOptions({ url: target.url, poolSize: 5 }));
    await dataSource.initialize();
    await dataSource.query(createInboxTableSql(dataSource.options.type));
    await dataSource.query('CREATE TABLE effects (event_id VARCHAR(64) NOT NULL)');
    once = new IdempotentConsumer(dataSource);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await target?.drop();
  });

  it('applies an event once, however often it is delivered', async () => {
    const key = { consumer: 'sales', eventId: randomUUID(), subject: 'shop.orders.placed.v1' };
    expect(await once.run(key, write(key.eventId))).toMatchObject({ applied: true });
    expect(await once.run(key, write(key.eventId))).toEqual({ applied: false });
    // The same event for another consumer is that consumer's own.
    expect(await once.run({ ...key, consumer: 'reports' }, write(key.eventId))).toMatchObject({ applied: true });
    expect(await effects(key.eventId)).toBe(2);
  });

  it('applies one of concurrent deliveries of the same event', async () => {
    const key = { consumer: 'sales', eventId: randomUUID(), subject: 'shop.orders.placed.v1' };
    const results = await Promise.all(Array.from({ length: 8 }, () => once.run(key, write(key.eventId))));
    expect(results.filter((result) => result.applied)).toHaveLength(1);
    expect(await effects(key.eventId)).toBe(1);
  });

  it('rolls the inbox row back with a failed handler, so the redelivery applies it', async () => {
    const key = { consumer: 'sales', eventId: randomUUID(), subject: 'shop.orders.placed.v1' };
    const neighbour = { ...key, eventId: randomUUID() };
    const [failed, other] = await Promise.allSettled([
      once.run(key, async (manager) => {
        await write(key.eventId)(manager);
        throw new Error('handler failed after its write');
      }),
      once.run(neighbour, write(neighbour.eventId)),
    ]);
    expect(failed.status).toBe('rejected');
    expect(other).toMatchObject({ status: 'fulfilled', value: { applied: true } });
    expect(await effects(key.eventId)).toBe(0);
    expect(await once.run(key, write(key.eventId))).toMatchObject({ applied: true });
    expect(await effects(key.eventId)).toBe(1);
    expect(await effects(neighbour.eventId)).toBe(1);
  });
});

describe('IdempotentConsumer group commit on SQLite', () => {
  let target: ScratchDatabase;
  let dataSource: DataSource;
  let once: IdempotentConsumer;
  let commits = 0;
  const insertEffect = (eventId: string) => (manager: DataSource['manager']) => manager.query('INSERT INTO effects (event_id) VALUES (?)', [eventId]);

  beforeAll(async () => {
    target = await scratchDatabase('sqlite');
    dataSource = new DataSource(createDataSourceOptions({ url: target.url }));
    await dataSource.initialize();
    await dataSource.query(createInboxTableSql(dataSource.options.type));
    await dataSource.query('CREATE TABLE effects (event_id VARCHAR(64) NOT NULL)');
    const counter: EntitySubscriberInterface = { afterTransactionCommit: () => void (commits += 1) };
    dataSource.subscribers.push(counter);
    once = new IdempotentConsumer(dataSource);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await target?.drop();
  });

  it('commits the events handed over in one turn of the event loop together, the first one included', async () => {
    const keys = Array.from({ length: 50 }, () => ({ consumer: 'sales', eventId: randomUUID(), subject: 'shop.orders.placed.v1' }));
    commits = 0;
    const results = await Promise.all(keys.map((key) => once.run(key, insertEffect(key.eventId))));
    expect(results.every((result) => result.applied)).toBe(true);
    // Before the group waited for the end of the turn, the first event committed alone: 2 commits.
    expect(commits).toBe(1);
    const [{ n }] = (await dataSource.query('SELECT COUNT(*) AS n FROM effects')) as Array<{ n: number }>;
    expect(Number(n)).toBe(50);
  });
});
