import { isAbsolute, resolve } from 'node:path';

export type DatabaseKind = 'sqlite' | 'mysql' | 'postgres';

export interface DatabaseTarget {
  kind: DatabaseKind;
  /** SQLite: absolute file path. Others: database name. */
  database: string;
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  /** Extra driver options from the query string, e.g. `?ssl=true`. */
  options: Record<string, string>;
}

export class InvalidDatabaseUrlError extends Error {
  constructor(reason: string) {
    super(`${reason}; expected sqlite:///absolute/path.sqlite, mysql://user:pass@host:3306/db or postgres://user:pass@host:5432/db`);
    this.name = 'InvalidDatabaseUrlError';
  }
}

const SCHEMES: Record<string, DatabaseKind> = {
  'sqlite:': 'sqlite',
  'mysql:': 'mysql',
  'mariadb:': 'mysql',
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
};

const DEFAULT_PORTS: Record<Exclude<DatabaseKind, 'sqlite'>, number> = { mysql: 3306, postgres: 5432 };

/**
 * Reads the one `DATABASE_URL` that the monolith and every slice share. SQLite takes
 * `sqlite:///abs/path` (three slashes) or `sqlite:relative/path`, resolved against `cwd`.
 */
export function parseDatabaseUrl(raw: string, cwd = process.cwd()): DatabaseTarget {
  const value = raw.trim();
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(value)?.[0]?.toLowerCase();
  const kind = scheme ? SCHEMES[scheme] : undefined;
  if (!scheme || !kind) throw new InvalidDatabaseUrlError(`unsupported scheme in "${redact(value)}"`);

  if (kind === 'sqlite') {
    const rest = value.slice(scheme.length).split('?')[0];
    const file = rest.startsWith('//') ? decodeURIComponent(rest.slice(2)) : decodeURIComponent(rest);
    if (!file || file === '/') throw new InvalidDatabaseUrlError(`no file path in "${value}"`);
    if (rest.startsWith('//') && !isAbsolute(file)) throw new InvalidDatabaseUrlError(`"${value}" needs an absolute path after sqlite:// (three slashes)`);
    return { kind, database: isAbsolute(file) ? file : resolve(cwd, file), options: {} };
  }

  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidDatabaseUrlError(`"${redact(value)}" is not a URL`);
  }
  if (!url.hostname) throw new InvalidDatabaseUrlError(`no host in "${redact(value)}"`);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw new InvalidDatabaseUrlError(`no database name in "${redact(value)}"`);
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[kind];
  return {
    kind,
    database,
    host: url.hostname,
    port,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    options: Object.fromEntries(url.searchParams),
  };
}

/** The URL with its password masked, for logs and error messages. */
export function redact(raw: string): string {
  return raw.replace(/\/\/([^:/@]+):([^@]*)@/, '//$1:***@');
}
