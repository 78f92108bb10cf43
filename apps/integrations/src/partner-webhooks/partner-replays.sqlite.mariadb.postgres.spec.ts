// The replays record on each database the slice runs on: a replay and its record commit together,
// a replay without a reason changes nothing, and the list reads back what was written (nulls, BIGINT times).
import { randomUUID } from 'node:crypto';
import { BadRequestException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createDataSourceOptions, DatabaseGate } from '@offramp/persistence';
import { OutboundAddressGuard } from '@offramp/platform';
import { scratchDatabase, type ScratchDatabase } from '@offramp/testing';
import type { IntegrationsConfig } from '../integrations.config.js';
import { CreateIntegrationsPartnerReplays1764100000300 } from '../migrations/create-partner-replays.migration.js';
import { PartnerRegistry } from './partner-registry.service.js';
import { Delivery, Partner, PARTNER_ENTITIES, partnerTablesSql } from './partner-tables.js';
import { PartnersController } from './partners.controller.js';

const dead = (partnerId: string, eventId: string, createdAt: number): Delivery => ({
  id: randomUUID(),
  partnerId,
  eventId,
  subject: 'shop.orders.placed.v1',
  aggregateId: eventId,
  seq: 1,
  body: '{}',
  status: 'dead',
  attempts: 8,
  attemptsTotal: 8,
  claim: null,
  nextAttemptAt: 0,
  createdAt,
  deliveredAt: null,
  lastError: 'HTTP 503',
});

describe.each(['sqlite', 'mariadb', 'postgres'] as const)('partner replays on %s', (kind) => {
  let target: ScratchDatabase;
  let dataSource: DataSource;
  let registry: PartnerRegistry;
  let controller: PartnersController;
  const partnerId = randomUUID();
  const status = async (id: string) => (await dataSource.getRepository(Delivery).findOneByOrFail({ id })).status;

  beforeAll(async () => {
    target = await scratchDatabase(kind);
    dataSource = new DataSource(createDataSourceOptions({ url: target.url, entities: PARTNER_ENTITIES, poolSize: 2 }));
    await dataSource.initialize();
    for (const sql of partnerTablesSql()) await dataSource.query(sql);
    const runner = dataSource.createQueryRunner();
    await new CreateIntegrationsPartnerReplays1764100000300().up(runner);
    await runner.release();
    const partner: Partner = {
      id: partnerId,
      name: 'flaky-wms',
      url: 'http://127.0.0.1:9/hooks',
      secrets: ['whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0'],
      eventTypes: ['shop.orders.*'],
      enabled: true,
      ordered: false,
      disabledReason: null,
      createdAt: 1_000,
      updatedAt: 1_000,
    };
    await dataSource.getRepository(Partner).insert(partner);
    registry = new PartnerRegistry(dataSource, new DatabaseGate(dataSource), new OutboundAddressGuard([]), {} as IntegrationsConfig);
    controller = new PartnersController(registry);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await target?.drop();
  });

  it('refuses a replay without a reason naming it, and changes nothing', async () => {
    const one = dead(partnerId, 'e-refused', 5_000);
    await dataSource.getRepository(Delivery).insert(one);
    for (const refused of [controller.replay(one.id, {}), controller.replayFailures(partnerId, { since: '1970-01-01T00:00:00Z', reason: '' })]) {
      await expect(refused).rejects.toBeInstanceOf(BadRequestException);
      await expect(refused).rejects.toMatchObject({ invalidParams: [{ name: 'reason', reason: 'say why: the reason goes into the audit log' }] });
    }
    expect(await status(one.id)).toBe('dead');
    expect(await registry.replays(10)).toEqual({ replays: [] });
    await dataSource.getRepository(Delivery).delete({ id: one.id });
  });

  it('records one delivery and a partner since a time, with who, why and how many, newest first', async () => {
    const [old, recent, other] = [dead(partnerId, 'e-old', 1_000), dead(partnerId, 'e-recent', 2_000_000), dead(partnerId, 'e-other', 3_000_000)];
    await dataSource.getRepository(Delivery).insert([old, recent, other]);
    expect((await controller.replay(old.id, { by: 'jane@ops', reason: 'one first' })).status).toBe('pending');
    const since = new Date(1_000_000).toISOString();
    expect(await controller.replayFailures(partnerId, { since, reason: 'the rest' })).toEqual({ replayed: 2 });
    expect([await status(recent.id), await status(other.id)]).toEqual(['pending', 'pending']);
    const { replays } = await registry.replays(10);
    expect(replays).toEqual([
      { id: expect.any(String), partnerId, deliveryId: null, since, replayed: 2, actor: 'admin-api', reason: 'the rest', at: expect.any(String) },
      { id: expect.any(String), partnerId, deliveryId: old.id, since: null, replayed: 1, actor: 'jane@ops', reason: 'one first', at: expect.any(String) },
    ]);
    expect(Date.parse(replays[0].at)).toBeGreaterThanOrEqual(Date.parse(replays[1].at));
    expect((await registry.replays(1)).replays.map((r) => r.reason)).toEqual(['the rest']);
  });
});
