import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { LARAVEL_SESSION_FORMAT, type SessionFormat, type SessionStore } from './session-store.js';

/**
 * Laravel writes a session file with file_put_contents(LOCK_EX): it truncates the file, then
 * writes, under an exclusive lock that PHP's own readers wait for (flock LOCK_SH) and Node cannot
 * take. A read that finds the file empty or cut short is such a write in progress, never a session
 * (serialize() of the attributes is at least `a:0:{}`): read it again shortly instead of treating
 * the user as signed out (a 419 on their next form). The bound is time, not a count: on a loaded
 * machine the writer can be descheduled between its truncate and its write for tens of
 * milliseconds and more (20 one-millisecond waits missed 13 of 3,611 reads in CI at load ~5, a
 * 250 ms budget still 6 of 2,360; 1 s none in two runs at load 5.5).
 */
const REREAD_BUDGET_MS = 1_000;
const REREAD_FIRST_DELAY_MS = 1;
const REREAD_MAX_DELAY_MS = 16;

/**
 * Laravel's FileSessionHandler: storage/framework/sessions/<id>, valid while modified within the
 * lifetime. With another format, PHP's native files handler too (sess_<id>, written the same way
 * under flock).
 */
export class FileSessionStore implements SessionStore {
  constructor(
    private readonly directory: string,
    private readonly lifetimeMinutes: number,
    private readonly format: SessionFormat = LARAVEL_SESSION_FORMAT,
  ) {}

  async read(sessionId: string): Promise<Record<string, unknown> | undefined> {
    this.format.assertId(sessionId);
    const path = join(this.directory, this.format.fileName(sessionId));
    const deadline = performance.now() + REREAD_BUDGET_MS;
    for (let wait = REREAD_FIRST_DELAY_MS; ; wait = Math.min(wait * 2, REREAD_MAX_DELAY_MS)) {
      let serialized: string;
      try {
        const info = await stat(path);
        if (!info.isFile() || info.mtimeMs < Date.now() - this.lifetimeMinutes * 60_000) return undefined;
        serialized = await readFile(path, 'utf8');
      } catch {
        return undefined;
      }
      const session = this.format.decode(serialized);
      if (session !== undefined || performance.now() >= deadline) return session;
      await delay(wait);
    }
  }
}
