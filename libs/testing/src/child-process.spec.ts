import { existsSync } from 'node:fs';
import { startProcess } from './child-process.js';
import { freePort } from './free-port.js';
import { tempSqlite } from './temp-dir.js';
import { waitUntil } from '@offramp/processes';

describe('test harness processes and files', () => {
  it('stops a process by its pid and reports its exit code and output', async () => {
    const child = startProcess('bash', ['-c', 'echo started; trap "echo bye; exit 3" TERM; while true; do sleep 0.05; done']);
    await waitUntil(() => child.output().includes('started'), { timeoutMs: 5_000, description: 'start' });
    expect(await child.stop('SIGTERM')).toBe(3);
    expect(child.output()).toContain('bye');
    expect(child.isRunning()).toBe(false);
  });

  it('escalates to SIGKILL when a process ignores SIGTERM', async () => {
    const child = startProcess('bash', ['-c', 'trap "" TERM; echo ready; while true; do sleep 0.05; done']);
    await waitUntil(() => child.output().includes('ready'), { timeoutMs: 5_000, description: 'ready' });
    expect(await child.stop('SIGTERM', 200)).toBe(128 + 9);
  });

  it('says what it waited for when the time runs out', async () => {
    await expect(waitUntil(() => false, { timeoutMs: 100, description: 'the moon' })).rejects.toThrow('timed out after 100 ms waiting for the moon');
  });

  it('hands out distinct free ports', async () => {
    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    expect(ports.every((port) => port > 0 && port < 65_536)).toBe(true);
  });

  it('removes a temp SQLite folder with everything in it', () => {
    const db = tempSqlite();
    expect(db.url).toBe(`sqlite://${db.file}`);
    db.remove();
    expect(existsSync(db.file)).toBe(false);
  });
});
