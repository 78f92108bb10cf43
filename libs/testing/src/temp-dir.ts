import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDir {
  path: string;
  remove(): void;
}

export function tempDir(prefix = 'offramp-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface TempSqlite {
  /** `sqlite:///…` URL for DATABASE_URL. */
  url: string;
  file: string;
  remove(): void;
}

/** A fresh SQLite file in its own folder (WAL files included in the clean-up). */
export function tempSqlite(name = 'test.sqlite'): TempSqlite {
  const dir = tempDir('offramp-sqlite-');
  const file = join(dir.path, name);
  return { url: `sqlite://${file}`, file, remove: dir.remove };
}
