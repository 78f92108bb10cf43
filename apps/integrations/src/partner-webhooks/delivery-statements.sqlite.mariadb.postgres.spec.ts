import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dialectOf } from '@offramp/messaging';
import { createDataSourceOptions } from '@offramp/persistence';
import { scratchDatabase, type ScratchDatabase } from '@offramp/testing';
import { DeliveryStatements } from './delivery-statements.js';
import { Delivery, DeliveryAttempt, Partner, PARTNER_ENTITIES, partnerTablesSql } from './partner-tables.js';

const delivery = (partnerId: string, eventId: string, seq: number, nextAttemptAt: number): Delivery => ({
  id: randomUUID(),
  partnerId,
  eventId,
  subject: 'shop.orders.paid.v1',
  aggregateId: String(seq),
  seq,
  body: `{"seq":${seq}}`,
  status: 'pending',
  attempts: 0,
  attemptsTotal: 0,
  claim: null,
  nextAttemptAt,
  createdAt: 1_000,
  deliveredAt: null,
  lastError: null,
});

describe.each([
  ['SQLite', () => scratchDatabase('sqlite')],
  ['MariaDB', () => scratchDatabase('mariadb')],
  ['PostgreSQL', () => scratchDatabase('postgres')],
])('DeliveryStatements on %s', (_name, create) => {
  let target: ScratchDatabase;
  let dataSource: DataSource;
  let statements: DeliveryStatements;
  const row = (id: string) => dataSource.getRepository(Delivery).findOneByOrFail({ id });

  beforeAll(async () => {
    target = await create();
    dataSource = new DataSource(createDataSourceOptions({ url: target.url, entities: PARTNER_ENTITIES, poolSize: 2 }));
    await dataSource.initialize();
    for (const sql of partnerTablesSql()) await dataSource.query(sql);
    statements = new DeliveryStatements(dialectOf(dataSource));
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await target?.drop();
  });

  it('inserts once per (partner, event id), lists the due ones oldest first, claims each once, records each outcome', async () => {
    const partner = randomUUID();
    const rows = [delivery(partner, 'e-3', 3, 300), delivery(partner, 'e-1', 1, 100), delivery(partner, 'e-2', 2, 100), delivery(partner, 'later', 4, 9_000)];
    await dataSource.transaction((manager) => statements.insertIgnoringDuplicates(manager, rows));
    // The same events again (a redelivery) add nothing: new ids, same (partner, event id).
    await dataSource.transaction((manager) =>
      statements.insertIgnoringDuplicates(
        manager,
        rows.map((r) => ({ ...r, id: randomUUID() })),
      ),
    );
    expect(Number((await dataSource.query('SELECT COUNT(*) AS n FROM integrations_deliveries'))[0].n)).toBe(4);

    const due = await statements.due(dataSource.manager, partner, 500, 10);
    expect(due.map((d) => d.eventId)).toEqual(['e-1', 'e-2', 'e-3']);
    expect(due[0]).toEqual(rows[1]);
    expect((await statements.due(dataSource.manager, partner, 500, 2)).map((d) => d.eventId)).toEqual(['e-1', 'e-2']);

    const [first, second, third] = due;
    const claim = (d: Delivery, now: number) => dataSource.transaction((manager) => statements.claim(manager, d.id, 'tick-1', 60_000, now));
    expect(await claim(first, 500)).toBe(true);
    expect(await claim(first, 500)).toBe(false); // leased until 60 000
    expect(await claim(second, 500)).toBe(true);
    expect(await claim(third, 200)).toBe(false); // not due yet at 200
    expect(await claim(third, 500)).toBe(true);
    expect(await row(first.id)).toMatchObject({ claim: 'tick-1', nextAttemptAt: 60_000 });

    await dataSource.transaction(async (manager) => {
      await statements.record(manager, first.id, {
        attempts: 1,
        attemptsTotal: 1,
        status: 'delivered',
        deliveredAt: 700,
        nextAttemptAt: null,
        lastError: null,
      });
      await statements.record(manager, second.id, {
        attempts: 1,
        attemptsTotal: 1,
        status: 'pending',
        deliveredAt: null,
        nextAttemptAt: 5_700,
        lastError: 'HTTP 500',
      });
      await statements.record(manager, third.id, {
        attempts: 8,
        attemptsTotal: 9,
        status: 'dead',
        deliveredAt: null,
        nextAttemptAt: null,
        lastError: 'timeout',
      });
    });
    expect(await row(first.id)).toMatchObject({ status: 'delivered', deliveredAt: 700, nextAttemptAt: 60_000, claim: null, attempts: 1, lastError: null });
    expect(await row(second.id)).toMatchObject({ status: 'pending', deliveredAt: null, nextAttemptAt: 5_700, claim: null, lastError: 'HTTP 500' });
    expect(await row(third.id)).toMatchObject({ status: 'dead', deliveredAt: null, attempts: 8, attemptsTotal: 9, lastError: 'timeout' });
    expect((await statements.due(dataSource.manager, partner, 6_000, 10)).map((d) => d.eventId)).toEqual(['e-2']);
  });

  it('lists only the enabled partners with their event types', async () => {
    const partner = (name: string, enabled: boolean, eventTypes: string[]) =>
      dataSource.getRepository(Partner).insert({
        id: randomUUID(),
        name,
        url: 'http://127.0.0.1:9/hooks',
        secrets: ['whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0'],
        eventTypes,
        enabled,
        ordered: false,
        disabledReason: null,
        createdAt: 1,
        updatedAt: 1,
      });
    await partner('on', true, ['shop.orders.*']);
    await partner('off', false, ['shop.orders.paid.v1']);
    const listed = await dataSource.transaction((manager) => statements.enabledPartners(manager));
    expect(listed.map((p) => p.eventTypes)).toEqual([['shop.orders.*']]);
  });

  it('writes an attempt log of any length, every row as given', async () => {
    const id = randomUUID();
    const attempts: DeliveryAttempt[] = Array.from({ length: 77 }, (_, i) => ({
      deliveryId: id,
      attempt: i + 1,
      at: 1_000 + i,
      statusCode: i % 2 ? 500 : null,
      latencyMs: i,
      error: i % 2 ? null : 'timeout',
      responseExcerpt: i % 2 ? `body ${i}` : null,
    }));
    await dataSource.transaction((manager) => statements.insertAttempts(manager, attempts));
    const stored = await dataSource.getRepository(DeliveryAttempt).find({ where: { deliveryId: id }, order: { attempt: 'ASC' } });
    expect(stored).toEqual(attempts);
  });
});
