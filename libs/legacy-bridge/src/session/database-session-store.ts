import { decodeSessionPayload } from './decode-session.js';
import { assertSessionId, type SessionStore } from './session-store.js';

/** Runs one parameterized query: `?` placeholders are rewritten by the caller for its driver. */
export type SessionQuery = (sql: string, parameters: unknown[]) => Promise<{ payload: string; last_activity: number | string }[]>;

/** Laravel's DatabaseSessionHandler: table `sessions`, payload base64(serialize(attributes)), last_activity in seconds. */
export class DatabaseSessionStore implements SessionStore {
  constructor(
    private readonly query: SessionQuery,
    private readonly table: string,
    private readonly lifetimeMinutes: number,
  ) {
    if (!/^[A-Za-z0-9_]+$/.test(table)) throw new Error(`invalid session table name "${table}"`);
  }

  async read(sessionId: string): Promise<Record<string, unknown> | undefined> {
    assertSessionId(sessionId);
    const rows = await this.query(`SELECT payload, last_activity FROM ${this.table} WHERE id = ?`, [sessionId]);
    const row = rows[0];
    if (!row) return undefined;
    if (Number(row.last_activity) < Date.now() / 1_000 - this.lifetimeMinutes * 60) return undefined;
    return decodeSessionPayload(Buffer.from(row.payload, 'base64').toString('utf8'));
  }
}
