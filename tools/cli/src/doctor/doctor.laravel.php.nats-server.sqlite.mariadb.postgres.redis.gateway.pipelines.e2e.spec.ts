import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import {
  E2E_IDENTITY_SECRET,
  freePort,
  httpStatus,
  MARIADB_ADMIN_URL,
  POSTGRES_ADMIN_URL,
  startGateway,
  startLegacyApp,
  startNatsServer,
  startProcess,
  startService,
  tempDir,
  tempSqlite,
  writeRoutesFile,
  type LegacyApp,
  type NatsServerHandle,
  type ServiceProcess,
  type TempDir,
  type TempSqlite,
  waitUntil,
} from '@offramp/testing';
import { detailOf, doctor, failed } from './__fixtures__/doctor-run.js';

/** Services start slowly on a machine shared with other work: generous, never a timing assertion. */
const STARTUP_TIMEOUT_MS = 60_000;
const BUCKET = 'doctor_e2e_routes';

/**
 * `npx offramp doctor` against a real setup: nats-server, the Laravel monolith, the gateway and
 * the pipelines slice, all as processes. First every check passes; then each checked thing is
 * broken in turn, and that check fails (exit 1) while the doctor still prints every line.
 */
describe('offramp doctor', () => {
  let nats: NatsServerHandle;
  let legacy: LegacyApp;
  let gateway: ServiceProcess;
  let pipelines: ServiceProcess;
  let routes: { path: string; remove(): void };
  let scratch: TempDir;
  let gatewayEnv: Record<string, string>;

  beforeAll(async () => {
    scratch = tempDir('offramp-doctor-');
    nats = await startNatsServer();
    legacy = await startLegacyApp({ timeoutMs: STARTUP_TIMEOUT_MS });
    routes = writeRoutesFile('routes: []\n');
    pipelines = await startService({
      app: 'pipelines',
      timeoutMs: STARTUP_TIMEOUT_MS,
      env: {
        DATABASE_URL: legacy.databaseUrl,
        NATS_URL: nats.url,
        LOG_LEVEL: 'warn',
        QUEUE_BRIDGE_ENABLED: 'false',
        IDENTITY_TOKEN_SECRET: E2E_IDENTITY_SECRET,
      },
    });
    const sessions = join(legacy.storagePath, 'framework/sessions');
    gateway = await startGateway({
      natsUrl: nats.url,
      legacyUrl: legacy.url,
      databaseUrl: legacy.databaseUrl,
      routesFile: routes.path,
      bucket: BUCKET,
      services: { pipelines: pipelines.url },
      timeoutMs: STARTUP_TIMEOUT_MS,
      env: { APP_KEY: legacy.appKey, SESSION_FILES: sessions },
    });
    // What the doctor reads: the gateway's own environment.
    gatewayEnv = {
      NATS_URL: nats.url,
      LEGACY_URL: legacy.url,
      DATABASE_URL: legacy.databaseUrl,
      GATEWAY_ROUTES_BUCKET: BUCKET,
      GATEWAY_SERVICES: `pipelines=${pipelines.url}`,
      IDENTITY_TOKEN_SECRET: E2E_IDENTITY_SECRET,
      APP_KEY: legacy.appKey,
      SESSION_FILES: sessions,
      // no local stack's keys: this setup is the one above
      OFFRAMP_DATA_DIR: scratch.path,
    };
    for (const url of [`${gateway.adminUrl}/health/ready`, `${pipelines.url}/health/ready`]) {
      await waitUntil(async () => (await httpStatus(url)) === 200, { timeoutMs: STARTUP_TIMEOUT_MS, intervalMs: 200, description: url });
    }
  }, 4 * STARTUP_TIMEOUT_MS);

  afterAll(async () => {
    await gateway?.stop();
    await pipelines?.stop();
    await legacy?.close();
    await nats?.stop();
    routes?.remove();
    scratch?.remove();
  });

  it('passes every check of a working setup and exits 0', async () => {
    const run = await doctor(gatewayEnv, { json: false });
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    const checks = lines.slice(0, -1);
    expect(checks.filter((line) => !line.startsWith('ok '))).toEqual([]);
    expect(lines.at(-1)).toBe(`${checks.length} checks: ${checks.length} ok, 0 warn, 0 fail`);
    for (const name of [
      'config',
      'node',
      'php',
      'nats',
      'clock',
      'database',
      'app-key',
      'session-store',
      'slice pipelines',
      'migrations pipelines',
      'identity pipelines',
    ]) {
      expect(checks.some((line) => line.startsWith(`ok    ${name} `))).toBe(true);
    }
    for (const stream of [`KV_${BUCKET}`, 'KV_offramp_shadow_stats', 'KV_offramp_metrics_history', 'OFFRAMP_SHADOW', 'OFFRAMP_EVENTS', 'OFFRAMP_DLQ']) {
      expect(checks.some((line) => line.startsWith(`ok    stream ${stream} `))).toBe(true);
    }
    // No secret of the setup reaches the report.
    expect(run.stdout).not.toContain(legacy.appKey.slice(7, 20));
    expect(run.stdout).not.toContain(E2E_IDENTITY_SECRET);
  }, 30_000);

  it('reads MariaDB and PostgreSQL as DATABASE_URL, and fails a database that does not answer', async () => {
    for (const url of [MARIADB_ADMIN_URL, POSTGRES_ADMIN_URL]) {
      const run = await doctor({ ...gatewayEnv, DATABASE_URL: url });
      expect({ url, database: run.status['database'], code: run.code }).toEqual({ url, database: 'ok', code: 0 });
    }
    const down = await doctor({ ...gatewayEnv, DATABASE_URL: `mysql://root@127.0.0.1:${await freePort()}/test` });
    expect(down.code).toBe(1);
    expect(failed(down)).toEqual(['database']);
    expect(detailOf(down, 'database')).toMatch(/does not answer \(.*ECONNREFUSED/);
  }, 60_000);

  it('fails the configuration with the variable named, and skips what needs it', async () => {
    const run = await doctor({ ...gatewayEnv, GATEWAY_SERVICES: 'pipelines' });
    expect(run.code).toBe(1);
    expect(run.status['config']).toBe('fail');
    expect(detailOf(run, 'config')).toMatch(/^GATEWAY_SERVICES: /);
    expect(detailOf(run, 'nats')).toBe('skipped because the configuration does not parse');
  }, 30_000);

  it('fails APP_KEY when it does not decrypt the cookie the monolith just set (the session store is skipped)', async () => {
    const run = await doctor({ ...gatewayEnv, APP_KEY: `base64:${Buffer.alloc(32, 7).toString('base64')}` });
    expect(run.code).toBe(1);
    expect(failed(run)).toEqual(['app-key', 'session-store']);
    expect(detailOf(run, 'app-key')).toContain('does not decrypt the laravel_session cookie');
    expect(detailOf(run, 'session-store')).toMatch(/^skipped because/);
  }, 30_000);

  it('fails the session store when SESSION_FILES is not where the monolith writes its sessions', async () => {
    const elsewhere = join(scratch.path, 'sessions-elsewhere');
    mkdirSync(elsewhere);
    const run = await doctor({ ...gatewayEnv, SESSION_FILES: elsewhere });
    expect(run.code).toBe(1);
    expect(failed(run)).toEqual(['session-store']);
    expect(detailOf(run, 'session-store')).toContain('is not in the file store');
  }, 30_000);

  it(
    'reads the session from the database and redis stores when the monolith keeps them there',
    async () => {
      const prefix = `offramp_doctor_${randomBytes(4).toString('hex')}`;
      const [database, redis] = await Promise.all([
        startLegacyApp({ timeoutMs: STARTUP_TIMEOUT_MS, env: { SESSION_DRIVER: 'database' } }),
        startLegacyApp({ timeoutMs: STARTUP_TIMEOUT_MS, env: { SESSION_DRIVER: 'redis', CACHE_PREFIX: prefix } }),
      ]);
      const client = new Redis('redis://127.0.0.1:6379/0', { maxRetriesPerRequest: 1 });
      try {
        const inDatabase = await doctor({
          ...gatewayEnv,
          LEGACY_URL: database.url,
          APP_KEY: database.appKey,
          DATABASE_URL: database.databaseUrl,
          SESSION_DRIVER: 'database',
        });
        expect(detailOf(inDatabase, 'session-store')).toBe('the session the monolith just started is in the database store (table sessions of DATABASE_URL)');
        const otherTable = await doctor({
          ...gatewayEnv,
          LEGACY_URL: database.url,
          APP_KEY: database.appKey,
          DATABASE_URL: database.databaseUrl,
          SESSION_DRIVER: 'database',
          SESSION_TABLE: 'no_sessions',
        });
        expect(otherTable.status['session-store']).toBe('fail');
        expect(detailOf(otherTable, 'session-store')).toMatch(/^cannot read the database store \(table no_sessions/);

        const redisEnv = { ...gatewayEnv, LEGACY_URL: redis.url, APP_KEY: redis.appKey, SESSION_DRIVER: 'redis', SESSION_REDIS_PREFIX: `${prefix}:` };
        expect(detailOf(await doctor(redisEnv), 'session-store')).toBe(
          `the session the monolith just started is in the redis store (redis://127.0.0.1:6379/0, prefix ${prefix}:)`,
        );
        const otherPrefix = await doctor({ ...redisEnv, SESSION_REDIS_PREFIX: 'laravel_cache:' });
        expect(failed(otherPrefix)).toEqual(['session-store']);
        const down = await doctor({ ...redisEnv, SESSION_REDIS_URL: `redis://127.0.0.1:${await freePort()}/0` });
        expect(failed(down)).toEqual(['session-store']);
        expect(detailOf(down, 'session-store')).toMatch(/^cannot read the redis store/);
      } finally {
        const keys = await client.keys(`${prefix}:*`);
        if (keys.length > 0) await client.del(...keys);
        client.disconnect();
        await Promise.all([database.close(), redis.close()]);
      }
    },
    3 * STARTUP_TIMEOUT_MS,
  );

  it('fails the identity check when the gateway signs with another key than the slice verifies with', async () => {
    const run = await doctor({ ...gatewayEnv, IDENTITY_TOKEN_SECRET: 'another-identity-secret-0123456789abcdef' });
    expect(run.code).toBe(1);
    expect(failed(run)).toEqual(['identity pipelines']);
    expect(run.stdout).not.toContain('another-identity-secret');
  }, 30_000);

  it('fails the identity check when the slice accepts another audience than its GATEWAY_SERVICES name', async () => {
    const run = await doctor({ ...gatewayEnv, GATEWAY_SERVICES: `reports=${pipelines.url}` });
    expect(run.code).toBe(1);
    expect(failed(run)).toEqual(['identity reports']);
    expect(detailOf(run, 'identity reports')).toContain('accepts audience "pipelines"');
  }, 30_000);

  it('fails the clock when this machine is a minute off the NATS server (OFFRAMP_DOCTOR_CLOCK_OFFSET_MS)', async () => {
    const run = await doctor({ ...gatewayEnv, OFFRAMP_DOCTOR_CLOCK_OFFSET_MS: '60000' });
    expect(run.code).toBe(1);
    expect(failed(run)).toEqual(['clock']);
    expect(detailOf(run, 'clock')).toMatch(/ahead of the NATS server's/);
  }, 30_000);

  it('fails PHP when the php on PATH is not the 8.2 the monolith needs', async () => {
    const bin = join(scratch.path, 'old-php');
    mkdirSync(bin);
    writeFileSync(join(bin, 'php'), '#!/bin/sh\nprintf 7.4.33\n');
    chmodSync(join(bin, 'php'), 0o755);
    const run = await doctor({ ...gatewayEnv, PATH: `${bin}:${process.env['PATH']}` });
    expect(run.code).toBe(1);
    expect(failed(run)).toEqual(['php']);
    expect(detailOf(run, 'php')).toContain('PHP 7.4.33');
  }, 30_000);

  it('fails Node when the doctor runs under a Node older than package.json engines (the machine’s own Node 20)', async () => {
    const oldNode = '/usr/bin/node';
    const version = await commandOutput(oldNode, ['--version']).catch(() => '');
    if (!/^v(1\d|20|21)\./.test(version)) {
      // Nothing to run it with here; the rule itself is unit-tested (versions.spec.ts).
      return;
    }
    const run = await doctor(gatewayEnv, { node: oldNode });
    expect(run.code).toBe(1);
    // SQLite's native addon is built for the project's Node: the database check says so instead of crashing.
    expect(failed(run)).toEqual(['node', 'database']);
    expect(detailOf(run, 'node')).toContain(`Node ${version.slice(1)} is older than package.json engines.node`);
  }, 30_000);

  it('fails a stream that is missing, and one with fewer replicas than GATEWAY_NATS_REPLICAS asks for', async () => {
    const replicas = await doctor({ ...gatewayEnv, GATEWAY_NATS_REPLICAS: '3' });
    expect(replicas.code).toBe(1);
    expect(failed(replicas)).toEqual([`stream KV_${BUCKET}`, 'stream KV_offramp_shadow_stats', 'stream KV_offramp_metrics_history', 'stream OFFRAMP_SHADOW']);
    expect(detailOf(replicas, 'stream OFFRAMP_SHADOW')).toContain('has 1 replica(s), GATEWAY_NATS_REPLICAS asks for 3');

    const nc = await connect({ servers: nats.url });
    try {
      await (await jetstreamManager(nc)).streams.delete('OFFRAMP_DLQ');
    } finally {
      await nc.close();
    }
    const run = await doctor(gatewayEnv);
    expect(run.code).toBe(1);
    expect(failed(run)).toEqual(['stream OFFRAMP_DLQ']);
    expect(detailOf(run, 'stream OFFRAMP_DLQ')).toBe('dead-letter stream missing');
  }, 30_000);

  it('fails the migrations of a slice whose tables were not migrated (DATABASE_MIGRATIONS=verify on a fresh database); checks EdDSA keys too', async () => {
    const fresh: TempSqlite = tempSqlite('unmigrated.sqlite');
    const pair = () =>
      generateKeyPairSync('ed25519', { privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const keys = pair();
    const unmigrated = await startService({
      app: 'pipelines',
      timeoutMs: STARTUP_TIMEOUT_MS,
      env: {
        DATABASE_URL: fresh.url,
        DATABASE_MIGRATIONS: 'verify',
        NATS_URL: nats.url,
        LOG_LEVEL: 'fatal',
        QUEUE_BRIDGE_ENABLED: 'false',
        OUTBOX_RELAY_ENABLED: 'false',
        // EdDSA, as production: the slice holds the public key only
        IDENTITY_TOKEN_ALG: 'EdDSA',
        IDENTITY_TOKEN_PUBLIC_KEY: keys.publicKey,
      },
    });
    try {
      const eddsa = { ...gatewayEnv, GATEWAY_SERVICES: `pipelines=${unmigrated.url}`, IDENTITY_TOKEN_SECRET: '', IDENTITY_TOKEN_ALG: 'EdDSA' };
      const run = await doctor({ ...eddsa, IDENTITY_TOKEN_PRIVATE_KEY: keys.privateKey });
      expect(run.code).toBe(1);
      expect(failed(run)).toEqual(['slice pipelines', 'migrations pipelines']);
      expect(detailOf(run, 'slice pipelines')).toContain('not ready (503): migrations');
      expect(detailOf(run, 'migrations pipelines')).toMatch(/migration\(s\) of pipelines have not run/);
      expect(run.results.find((result) => result.name === 'migrations pipelines')?.fix).toContain('pipelines-migrate');
      expect(detailOf(run, 'identity pipelines')).toBe("pipelines accepts a token signed with the gateway's EdDSA key for audience pipelines");

      const otherKey = await doctor({ ...eddsa, IDENTITY_TOKEN_PRIVATE_KEY: pair().privateKey });
      expect(otherKey.status['identity pipelines']).toBe('fail');
      expect(otherKey.results.find((result) => result.name === 'identity pipelines')?.fix).toContain('public half');
      expect(otherKey.stdout).not.toContain('PRIVATE KEY');

      const hs256 = await doctor({ ...gatewayEnv, GATEWAY_SERVICES: `pipelines=${unmigrated.url}` });
      expect(detailOf(hs256, 'identity pipelines')).toBe('pipelines verifies EdDSA tokens, the gateway signs HS256');
    } finally {
      await unmigrated.stop();
      fresh.remove();
    }
  }, 90_000);

  it('fails a slice that is down, and skips its migrations and identity checks', async () => {
    await pipelines.stop();
    const run = await doctor(gatewayEnv);
    expect(run.code).toBe(1);
    expect(failed(run)).toEqual(['slice pipelines', 'migrations pipelines', 'identity pipelines']);
    expect(detailOf(run, 'slice pipelines')).toContain('does not answer');
    expect(detailOf(run, 'migrations pipelines')).toMatch(/^skipped because pipelines does not answer/);
  }, 30_000);

  it('fails NATS when it is down, and skips the streams and the clock, within the bounds', async () => {
    await nats.kill9();
    const started = Date.now();
    const run = await doctor(gatewayEnv);
    expect(run.code).toBe(1);
    expect(run.status['nats']).toBe('fail');
    expect(detailOf(run, 'nats')).toContain('cannot reach NATS');
    expect(run.results.filter((result) => result.name.startsWith('stream ') || result.name === 'clock').map((result) => result.detail)).toEqual(
      Array(7).fill('skipped because NATS does not answer'),
    );
    expect(Date.now() - started).toBeLessThan(20_000); // bounded, not hanging (a generous bound: the machine is shared)
  }, 30_000);
});

async function commandOutput(command: string, args: string[]): Promise<string> {
  const child = startProcess(command, args, {});
  await child.exited;
  return child.output().trim();
}
