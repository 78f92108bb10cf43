import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeSessionPayload } from './decode-session.js';
import { assertSessionId, type SessionStore } from './session-store.js';

/** Laravel's FileSessionHandler: storage/framework/sessions/<id>, valid while modified within the lifetime. */
export class FileSessionStore implements SessionStore {
  constructor(
    private readonly directory: string,
    private readonly lifetimeMinutes: number,
  ) {}

  async read(sessionId: string): Promise<Record<string, unknown> | undefined> {
    assertSessionId(sessionId);
    const path = join(this.directory, sessionId);
    try {
      const info = await stat(path);
      if (!info.isFile() || info.mtimeMs < Date.now() - this.lifetimeMinutes * 60_000) return undefined;
      return decodeSessionPayload(await readFile(path, 'utf8'));
    } catch {
      return undefined;
    }
  }
}
