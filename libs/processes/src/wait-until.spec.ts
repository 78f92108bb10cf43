import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { answersInfo, httpStatus, waitUntil, workspaceRoot } from './index.js';

describe('process probes', () => {
  it('waits until a probe answers, and says what it waited for when it never does', async () => {
    let calls = 0;
    await expect(waitUntil(() => ++calls >= 3 && 'ready', { intervalMs: 1 })).resolves.toBe('ready');
    await expect(waitUntil(() => false, { timeoutMs: 30, intervalMs: 5, description: 'the moon' })).rejects.toThrow(
      /timed out after 30 ms waiting for the moon/,
    );
    await expect(
      waitUntil(
        () => {
          throw new Error('not yet');
        },
        { timeoutMs: 20, intervalMs: 5 },
      ),
    ).rejects.toThrow(/last error: not yet/);
  });

  it('reads an HTTP status, and nothing where nothing listens', async () => {
    const server = createServer((_req, res) => res.writeHead(204).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      expect(await httpStatus(`http://127.0.0.1:${port}/`)).toBe(204);
      expect(await answersInfo(port)).toBe(false); // an HTTP server does not greet with INFO
    } finally {
      server.close();
    }
    expect(await httpStatus(`http://127.0.0.1:${port}/`, 500)).toBeUndefined();
  });

  it('finds the workspace root', () => {
    expect(existsSync(join(workspaceRoot(), 'nx.json'))).toBe(true);
  });
});
