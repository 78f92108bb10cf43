import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { LARAVEL_SESSION_FORMAT, type SessionFormat, type SessionStore } from './session-store.js';

/**
 * Laravel writes a session file with file_put_contents(LOCK_EX): it truncates the file, then
 * writes, under an exclusive lock that PHP's own readers wait for (flock LOCK_SH) and Node cannot
 * take. A read that finds the file empty or cut short is such a write in progress, never a session
 * (serialize() of the attributes is at least `a:0:{}`): read it again shortly, a bounded number of
 * times, instead of treating the user as signed out (a 419 on their next form).
 */
const REREADS_WHILE_WRITTEN = 20;
const REREAD_DELAY_MS = 1;

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
    for (let reread = 0; ; reread += 1) {
      let serialized: string;
      try {
        const info = await stat(path);
        if (!info.isFile() || info.mtimeMs < Date.now() - this.lifetimeMinutes * 60_000) return undefined;
        serialized = await readFile(path, 'utf8');
      } catch {
        return undefined;
      }
      const session = this.format.decode(serialized);
      if (session !== undefined || reread === REREADS_WHILE_WRITTEN) return session;
      await delay(REREAD_DELAY_MS);
    }
  }
}
