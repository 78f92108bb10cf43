import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LEGACY_AUTOLOAD } from '../__fixtures__/php-cli.js';
import { FileSessionStore } from './file-session-store.js';

const SESSION_ID = 'a'.repeat(40);
const WRITES = 10_000;

/**
 * Laravel's FileSessionHandler writes with file_put_contents(LOCK_EX), which truncates the file
 * before it writes, and reads under flock(LOCK_SH). A reader without the lock sees the empty or
 * half-written file in between: for the gateway that was a session without its CSRF token, a 419
 * for a signed-in user whose own request had just saved the session.
 */
describe('FileSessionStore while the monolith rewrites the session (Laravel’s own FileSessionHandler)', () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'offramp-file-session-'));
  });

  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('reads the session every time, never the truncated file between two writes', async () => {
    const code = `
      require ${JSON.stringify(LEGACY_AUTOLOAD)};
      $handler = new Illuminate\\Session\\FileSessionHandler(new Illuminate\\Filesystem\\Filesystem(), $argv[1], 120);
      $handler->write($argv[2], serialize(['_token' => str_repeat('t', 40), 'n' => 0]));
      fwrite(STDOUT, "ready\\n");
      for ($i = 1; $i <= ${WRITES}; $i++) {
          $handler->write($argv[2], serialize(['_token' => str_repeat('t', 40), 'n' => $i, 'pad' => str_repeat('x', $i % 4096)]));
          usleep(100); // a busy user's requests, each saving the session, not a tight loop
      }
    `;
    const writer = spawn('php', ['-r', code, '--', directory, SESSION_ID], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((resolve) => writer.once('exit', (status) => resolve(status)));
    try {
      await new Promise<void>((resolve, reject) => {
        writer.stdout.once('data', () => resolve());
        writer.once('exit', () => reject(new Error('the PHP writer stopped before its first write')));
      });
      const store = new FileSessionStore(directory, 120);
      let reads = 0;
      let missed = 0;
      let writing = true;
      void exited.then(() => (writing = false));
      // Bounded: the writer stops after WRITES writes, and reads stop with it (or at 200,000).
      while (writing && reads < 200_000) {
        const session = await store.read(SESSION_ID);
        reads += 1;
        if (session?._token !== 't'.repeat(40)) missed += 1;
      }
      expect(await exited).toBe(0);
      expect(reads).toBeGreaterThan(100);
      expect({ reads, missed }).toEqual({ reads, missed: 0 });
    } finally {
      if (writer.exitCode === null) writer.kill('SIGKILL');
      await exited;
    }
  }, 60_000);
});
