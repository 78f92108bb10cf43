import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { tempDir, waitUntil } from '@offramp/testing';
import { portInUse } from './port-in-use.js';
import { loadOrCreateSecrets, secretsFor } from './stack-secrets.js';
import { supervise } from './supervised-process.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('stack runner parts (real processes, files and sockets)', () => {
  const dir = tempDir('offramp-stack-');
  afterAll(() => dir.remove());

  it('stops a service and everything it started, leaving no process behind', async () => {
    const log = join(dir.path, 'svc.log');
    // A service that forks a worker which ignores SIGTERM, as php -S workers can.
    const script = 'bash -c \'trap "" TERM; while true; do sleep 0.05; done\' & echo "worker $!"; wait';
    const service = supervise('svc', 'bash', ['-c', script], process.env, dir.path, log);
    const workerPid = await waitUntil(() => Number(/worker (\d+)/.exec(readFileSync(log, 'utf8'))?.[1] ?? 0), { timeoutMs: 5_000, description: 'worker pid' });
    expect(alive(workerPid)).toBe(true);

    await service.stop(500);
    expect(service.running()).toBe(false);
    await waitUntil(() => !alive(workerPid), { timeoutMs: 2_000, description: 'worker gone' });
  });

  it('keeps the tail of a service’s log for the report when it dies', async () => {
    const service = supervise('dies', 'bash', ['-c', 'for i in 1 2 3 4 5; do echo "line $i"; done; exit 7'], process.env, dir.path, join(dir.path, 'dies.log'));
    expect(await service.exited).toBe(7);
    expect(service.tail(2)).toBe('line 4\nline 5');
  });

  it('tells a taken port from a free one', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    expect(await portInUse(port)).toBe(true);
    await new Promise((resolve) => server.close(resolve));
    expect(await portInUse(port)).toBe(false);
  });

  it('makes the stack’s keys once and keeps them', () => {
    const first = loadOrCreateSecrets(dir.path);
    expect(first.APP_KEY).toMatch(/^base64:[A-Za-z0-9+/]{43}=$/);
    expect(first.IDENTITY_TOKEN_PRIVATE_KEY).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(createPublicKey(first.IDENTITY_TOKEN_PRIVATE_KEY).export({ type: 'spki', format: 'pem' })).toBe(first.IDENTITY_TOKEN_PUBLIC_KEY);
    expect(first.GATEWAY_ADMIN_TOKEN.length).toBeGreaterThanOrEqual(16);
    expect(loadOrCreateSecrets(dir.path)).toEqual(first);
  });

  it('gives each service its own keys only: APP_KEY to the monolith and the gateway, the signing key to the gateway', () => {
    const secrets = loadOrCreateSecrets(dir.path);
    expect(secrets.PAYMENT_WEBHOOK_SECRET).toMatch(/^whsec_.{32}$/);
    expect(secretsFor('legacy', secrets, {})).toEqual({ APP_KEY: secrets.APP_KEY, PAYMENT_WEBHOOK_SECRET: secrets.PAYMENT_WEBHOOK_SECRET });
    expect(secretsFor('gateway', secrets, {})).toEqual({
      APP_KEY: secrets.APP_KEY,
      GATEWAY_ADMIN_TOKEN: secrets.GATEWAY_ADMIN_TOKEN,
      IDENTITY_TOKEN_ALG: 'EdDSA',
      IDENTITY_TOKEN_PRIVATE_KEY: secrets.IDENTITY_TOKEN_PRIVATE_KEY,
      GATEWAY_PIPELINES_ADMIN_TOKEN: secrets.PIPELINES_ADMIN_TOKEN,
      GATEWAY_INTEGRATIONS_ADMIN_TOKEN: secrets.INTEGRATIONS_ADMIN_TOKEN,
    });
    expect(secretsFor('api', secrets, {})).toEqual({ IDENTITY_TOKEN_ALG: 'EdDSA', IDENTITY_TOKEN_PUBLIC_KEY: secrets.IDENTITY_TOKEN_PUBLIC_KEY });
    expect(secretsFor('pipelines', secrets, {})).toEqual({
      IDENTITY_TOKEN_ALG: 'EdDSA',
      IDENTITY_TOKEN_PUBLIC_KEY: secrets.IDENTITY_TOKEN_PUBLIC_KEY,
      PIPELINES_ADMIN_TOKEN: secrets.PIPELINES_ADMIN_TOKEN,
      SALES_REPORT_HTTP_ENABLED: 'true',
    });
    // The payment provider's secret: the monolith and the slice that took its webhook over; the partner admin token.
    expect(secretsFor('integrations', secrets, {})).toEqual({
      IDENTITY_TOKEN_ALG: 'EdDSA',
      IDENTITY_TOKEN_PUBLIC_KEY: secrets.IDENTITY_TOKEN_PUBLIC_KEY,
      PAYMENT_WEBHOOK_SECRET: secrets.PAYMENT_WEBHOOK_SECRET,
      INTEGRATIONS_ADMIN_TOKEN: secrets.INTEGRATIONS_ADMIN_TOKEN,
    });
    expect(secretsFor('legacy', secrets, { APP_KEY: 'base64:mine' })).toEqual({
      APP_KEY: 'base64:mine',
      PAYMENT_WEBHOOK_SECRET: secrets.PAYMENT_WEBHOOK_SECRET,
    });
  });
});
