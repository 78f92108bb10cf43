import { join } from 'node:path';
import { startNatsServer, startProcess, tempDir, waitUntil, workspaceRoot, type ManagedProcess, type NatsServerHandle, type TempDir } from '@offramp/testing';
import { portInUse } from './port-in-use.js';
import { FAKE_CARRIER, LEGACY, LOCAL_MAIL, NODE_SERVICES } from './services.js';

const PORTS = [FAKE_CARRIER, LOCAL_MAIL, LEGACY, ...NODE_SERVICES].flatMap((spec) => [spec.port, ...(spec.adminPort ? [spec.adminPort] : [])]);

/**
 * `npm start`'s runner end to end: the fake carrier, the local mail server, the real Laravel app and the four Node
 * services on their standard ports, a real nats-server, then Ctrl-C (SIGINT to the whole process group, as a
 * terminal sends it) must leave no process and no listening port behind.
 */
describe('npm start runner (real nats-server, Laravel app, four services)', () => {
  let nats: NatsServerHandle;
  let data: TempDir;
  let runner: ManagedProcess;

  beforeAll(async () => {
    const taken = (await Promise.all(PORTS.map(async (port) => ((await portInUse(port)) ? port : 0)))).filter(Boolean);
    if (taken.length) throw new Error(`ports ${taken.join(', ')} are in use: stop what runs there (a running npm start?) before this test`);
    nats = await startNatsServer();
    data = tempDir('offramp-stack-data-');
  });

  afterAll(async () => {
    if (runner?.isRunning()) process.kill(-runner.pid, 'SIGKILL');
    await nats?.stop();
    data?.remove();
  });

  it('brings every service up, prints the table, and leaves nothing behind on Ctrl-C', async () => {
    runner = startProcess(process.execPath, [join(workspaceRoot(), 'tools/stack/dist/main.js')], {
      cwd: workspaceRoot(),
      detached: true,
      env: { ...process.env, NATS_URL: nats.url, OFFRAMP_DATA_DIR: data.path, DATABASE_URL: `sqlite://${join(data.path, 'offramp.sqlite')}` },
    });
    await waitUntil(
      () => {
        if (!runner.isRunning()) throw new Error(`runner exited:\n${runner.output()}`);
        return runner.output().includes('All 7 services ready');
      },
      { timeoutMs: 150_000, intervalMs: 250, description: 'All 7 services ready' },
    );
    const table = runner.output();
    for (const spec of [FAKE_CARRIER, LOCAL_MAIL, LEGACY, ...NODE_SERVICES]) expect(table).toContain(`http://127.0.0.1:${spec.port}`);
    for (const spec of NODE_SERVICES.filter((service) => service.adminPort)) expect(table).toContain(`http://127.0.0.1:${spec.adminPort}`);
    const pids = [...table.matchAll(/http:\/\/127\.0\.0\.1:\d+\s+(\d+)/g)].map((match) => Number(match[1]));
    expect(pids).toHaveLength(7);

    process.kill(-runner.pid, 'SIGINT');
    expect(await runner.exited).toBe(0);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    for (const port of PORTS) expect(await portInUse(port)).toBe(false);
  });
});
