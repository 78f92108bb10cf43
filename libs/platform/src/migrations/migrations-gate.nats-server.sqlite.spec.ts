import { createDataSourceOptions, migrateCommand } from '@offramp/persistence';
import { freePort, startNatsServer, tempSqlite, type NatsServerHandle, type TempSqlite } from '@offramp/testing';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { createService, type RunningService } from '../bootstrap/bootstrap-service.js';
import { ConfigError } from '../config/config-error.js';

class CreateProbeThings1764200000000 implements MigrationInterface {
  name = 'CreateProbeThings1764200000000';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE TABLE probe_things (id INTEGER NOT NULL PRIMARY KEY)');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE probe_things');
  }
}
const MIGRATIONS = [CreateProbeThings1764200000000];

async function tables(url: string): Promise<string[]> {
  const ds = await new DataSource(createDataSourceOptions({ url })).initialize();
  try {
    const rows = (await ds.query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)) as { name: string }[];
    return rows.map((row) => row.name);
  } finally {
    await ds.destroy();
  }
}

describe("a service's migrations at start-up (in-process, real nats-server and SQLite)", () => {
  let nats: NatsServerHandle;
  const databases: TempSqlite[] = [];
  const services: RunningService[] = [];

  const start = async (extra: Record<string, string>) => {
    const db = tempSqlite();
    databases.push(db);
    const env = { PORT: String(await freePort()), NATS_URL: nats.url, DATABASE_URL: db.url, LOG_LEVEL: 'silent', ...extra };
    const service = await createService({ name: 'probe', defaultPort: 1, migrations: MIGRATIONS }, env);
    services.push(service);
    return { db, service };
  };

  beforeAll(async () => {
    nats = await startNatsServer();
  });

  afterAll(async () => {
    for (const service of services) await service.shutdown('test');
    await nats?.stop();
    for (const db of databases) db.remove();
  });

  it('run (the default): migrates before it serves, recorded in its own table', async () => {
    const { db, service } = await start({});
    expect(await tables(db.url)).toEqual(expect.arrayContaining(['offramp_migrations_probe', 'probe_things']));
    expect((await tables(db.url)).includes('migrations')).toBe(false);
    expect((await fetch(`${service.url}/health/ready`)).status).toBe(200);
  });

  it('verify: makes nothing, and stays unready naming the migrate Job until the migrations have run', async () => {
    const { db, service } = await start({ DATABASE_MIGRATIONS: 'verify' });
    expect(await tables(db.url)).toEqual([]);
    const refused = await fetch(`${service.url}/health/ready`);
    expect(refused.status).toBe(503);
    // Terminus' details, in the problem+json body.
    const body = (await refused.json()) as { details?: Record<string, { status?: string; message?: string }> };
    expect(body.details?.['migrations']?.status).toBe('down');
    expect(body.details?.['migrations']?.message).toContain('CreateProbeThings1764200000000');
    expect(body.details?.['migrations']?.message).toContain('probe-migrate Job');

    const lines: string[] = [];
    expect(await migrateCommand({ slice: 'probe', migrations: MIGRATIONS, env: { DATABASE_URL: db.url }, log: (line) => lines.push(line) })).toBe(0);
    expect(lines.join('\n')).toContain('ran 1');
    expect((await fetch(`${service.url}/health/ready`)).status).toBe(200);
  });

  it('the migrate command: a second run does nothing, a missing DATABASE_URL exits 1 naming it', async () => {
    const db = tempSqlite();
    databases.push(db);
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    expect(await migrateCommand({ slice: 'probe', migrations: MIGRATIONS, env: { DATABASE_URL: db.url }, log })).toBe(0);
    expect(await migrateCommand({ slice: 'probe', migrations: MIGRATIONS, env: { DATABASE_URL: db.url }, log })).toBe(0);
    expect(lines[1]).toContain('up to date');
    expect(await migrateCommand({ slice: 'probe', migrations: MIGRATIONS, env: {}, log })).toBe(1);
    expect(lines[2]).toContain('DATABASE_URL is not set');
  });

  it('a DATABASE_MIGRATIONS other than run or verify stops the start, naming the variable', async () => {
    const error = await start({ DATABASE_MIGRATIONS: 'later' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('DATABASE_MIGRATIONS');
  });
});
