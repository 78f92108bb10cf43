import { createDataSourceOptions, runMigrationsLocked, sliceMigrationsTable } from '@offramp/persistence';
import { scratchDatabase, type ScratchDatabase } from '@offramp/testing';
import { DataSource } from 'typeorm';
import { PIPELINES_MIGRATIONS } from '../migrations/pipelines-migrations.js';
import { hourSlot, ScheduleSlots } from './schedule-slots.js';

describe.each(['sqlite', 'mariadb', 'postgres'] as const)('schedule slots on %s', (kind) => {
  let database: ScratchDatabase;
  let replicas: DataSource[];

  beforeAll(async () => {
    database = await scratchDatabase(kind, 'offramp_schedule');
    replicas = await Promise.all(
      [1, 2, 3].map(async () => {
        const ds = new DataSource(
          createDataSourceOptions({ url: database.url, poolSize: 2, migrations: PIPELINES_MIGRATIONS, migrationsTableName: sliceMigrationsTable('pipelines') }),
        );
        return ds.initialize();
      }),
    );
    await runMigrationsLocked(replicas[0]);
  });

  afterAll(async () => {
    for (const ds of replicas ?? []) await ds.destroy();
    await database?.drop();
  });

  it('gives each hour to exactly one of the replicas, once', async () => {
    const hour = hourSlot(Date.UTC(2026, 0, 31, 12, 30));
    for (const slot of [hour, hour + 1]) {
      const claims = await Promise.all(replicas.map((ds) => new ScheduleSlots(ds).claim('job-a', slot)));
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await new ScheduleSlots(replicas[1]).claim('job-a', slot)).toBe(false);
    }
  });

  it('catches up missed hours once, and never runs an hour that is older than the last one', async () => {
    const hour = hourSlot(Date.UTC(2026, 1, 1, 0, 5));
    const slots = new ScheduleSlots(replicas[2]);
    expect(await slots.claim('job-b', hour)).toBe(true);
    expect(await slots.claim('job-b', hour + 5)).toBe(true); // down for five hours: one run
    expect(await slots.claim('job-b', hour + 5)).toBe(false);
    expect(await slots.claim('job-b', hour + 3)).toBe(false); // a replica with a late clock
    expect(await slots.claim('job-a-other', hour)).toBe(true); // schedules are independent
  });
});
