import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createUser } from '@nats-io/nkeys';
import { connect } from '@nats-io/transport-node';
import { answersInfo, freePort, startProcess, tempDir, waitUntil, type ManagedProcess, type TempDir } from '@offramp/testing';
import { NatsConnectionManager } from './nats-connection.manager.js';

describe('nkey authentication against a real nats-server', () => {
  let dir: TempDir;
  let server: ManagedProcess;
  let port: number;
  let seedFile: string;

  beforeAll(async () => {
    dir = tempDir('offramp-nats-nkey-');
    const user = createUser();
    seedFile = join(dir.path, 'user.nk');
    writeFileSync(seedFile, new TextDecoder().decode(user.getSeed()));
    port = await freePort();
    const config = join(dir.path, 'server.conf');
    writeFileSync(config, `authorization { users = [ { nkey: ${user.getPublicKey()} } ] }\n`);
    server = startProcess(process.env.NATS_SERVER_BIN ?? 'nats-server', ['-c', config, '-a', '127.0.0.1', '-p', String(port)]);
    await waitUntil(() => answersInfo(port), { description: 'nats-server with nkey auth' });
  });

  afterAll(async () => {
    await server?.stop('SIGTERM', 5_000);
    dir?.remove();
  });

  it('connects with NATS_NKEY_SEED_FILE', async () => {
    const nats = new NatsConnectionManager({ url: `nats://127.0.0.1:${port}`, name: 'nkey-test', security: { nkeySeedFile: seedFile } });
    try {
      await nats.connected();
      expect(await nats.ping(2_000)).toBe(true);
      expect(nats.currentState).toBe('connected');
    } finally {
      await nats.close();
    }
  });

  it('is refused without it', async () => {
    await expect(connect({ servers: `nats://127.0.0.1:${port}`, reconnect: false })).rejects.toThrow(/Authorization/i);
  });
});
