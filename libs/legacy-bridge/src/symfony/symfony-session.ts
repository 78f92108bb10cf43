import { phpUnserializeSessionData } from '../php/php-unserialize.js';
import type { SessionFormat, SessionStore } from '../session/session-store.js';

/**
 * NativeSessionStorage's own check of a session id (sid_bits_per_character 4 to 6, sid_length
 * 22 to 250). A Symfony session cookie is not encrypted: its value is the id, chosen by whoever
 * sends it, so nothing else may reach a file name, a key or a query.
 */
const SYMFONY_SESSION_ID = /^[a-zA-Z0-9,-]{22,250}$/;

export class InvalidSymfonySessionIdError extends Error {
  readonly code = 'invalid_session_id';
  constructor() {
    super('not a PHP session id ([a-zA-Z0-9,-]{22,250})');
    this.name = 'InvalidSymfonySessionIdError';
  }
}

export function isSymfonySessionId(sessionId: string): boolean {
  return SYMFONY_SESSION_ID.test(sessionId);
}

export function assertSymfonySessionId(sessionId: string): void {
  if (!isSymfonySessionId(sessionId)) throw new InvalidSymfonySessionIdError();
}

/**
 * PHP's `session.serialize_handler = php` (`name|value…`). The top-level values are Symfony's bags
 * (`_sf2_attributes`, `_sf2_meta`, `_symfony_flashes`): objects in them become inert PhpObjects of
 * any class; the security token inside is a string of its own, read with a strict class list
 * (symfony-token.ts). Undefined when the data is cut short or broken (a write in progress, or not a session).
 */
export function decodePhpSessionData(stored: string | Buffer): Record<string, unknown> | undefined {
  const data = typeof stored === 'string' ? Buffer.from(stored, 'utf8') : stored;
  if (data.length === 0) return undefined; // a file being rewritten; an empty session holds no login either
  try {
    return phpUnserializeSessionData(data);
  } catch {
    return undefined;
  }
}

/** Symfony's sessions in PHP's files handler or Symfony's RedisSessionHandler: `sess_<id>` files or `<prefix><id>` keys. */
export const SYMFONY_SESSION_FORMAT: SessionFormat = {
  assertId: assertSymfonySessionId,
  fileName: (sessionId) => `sess_${sessionId}`,
  decode: decodePhpSessionData,
};

/** PdoSessionHandler's MAX_LIFETIME: a `sess_lifetime` up to this is a lifetime (rows of Symfony < 5.4), above it an expiry time. */
const PDO_MAX_LIFETIME = 315_576_000;

export interface PdoSessionColumns {
  table: string;
  id: string;
  data: string;
  lifetime: string;
  time: string;
}

/** PdoSessionHandler's defaults (db_table and the db_*_col options). */
export const PDO_SESSION_DEFAULTS: PdoSessionColumns = { table: 'sessions', id: 'sess_id', data: 'sess_data', lifetime: 'sess_lifetime', time: 'sess_time' };

/** One parameterized query with a single `?` (rewritten by the caller for its driver). */
export type PdoSessionQuery = (sql: string, parameters: unknown[]) => Promise<Array<Record<string, unknown>>>;

/**
 * Symfony's PdoSessionHandler rows: `sess_data` (BLOB/BYTEA) in PHP's session format, and the
 * expiry as PdoSessionHandler::doRead decides it (sess_lifetime is the expiry time since 5.4;
 * older rows carry a lifetime added to sess_time). An expired row is no session, as for Symfony.
 */
export class PdoSessionStore implements SessionStore {
  private readonly sql: string;

  constructor(
    private readonly query: PdoSessionQuery,
    columns: Partial<PdoSessionColumns> = {},
  ) {
    const names = { ...PDO_SESSION_DEFAULTS, ...columns };
    for (const [option, name] of Object.entries(names)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid PdoSessionHandler ${option} name "${name}"`);
    }
    this.sql = `SELECT ${names.data} AS data, ${names.lifetime} AS lifetime, ${names.time} AS time FROM ${names.table} WHERE ${names.id} = ?`;
  }

  async read(sessionId: string): Promise<Record<string, unknown> | undefined> {
    assertSymfonySessionId(sessionId);
    const [row] = await this.query(this.sql, [sessionId]);
    if (!row) return undefined;
    let expiry = Number(row['lifetime']);
    if (expiry <= PDO_MAX_LIFETIME) expiry += Number(row['time']);
    if (!Number.isFinite(expiry) || expiry < Date.now() / 1_000) return undefined;
    const data = row['data'];
    if (Buffer.isBuffer(data)) return decodePhpSessionData(data);
    if (data instanceof Uint8Array) return decodePhpSessionData(Buffer.from(data));
    return typeof data === 'string' ? decodePhpSessionData(data) : undefined;
  }
}
