import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createDataSourceOptions } from './data-source-options.js';

/** better-sqlite3's pragma(): the one value of a simple pragma. */
type PragmaReader = { pragma(sql: string, options: { simple: true }): unknown };

describe('SQLite data sources from createDataSourceOptions', () => {
  let dir: string;
  let dataSource: DataSource;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'offramp-options-'));
    dataSource = new DataSource(createDataSourceOptions({ url: `sqlite://${join(dir, 'options.sqlite')}` }));
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const pragma = (name: string) => (dataSource.driver as unknown as { databaseConnection: PragmaReader }).databaseConnection.pragma(name, { simple: true });

  it("commit durably: WAL with synchronous = FULL, as the monolith's own PDO connections (SQLite's default)", () => {
    // NORMAL syncs the WAL only at checkpoints: a power cut could undo a commit whose message was
    // acked already (an effect lost), or an order already answered 201.
    expect(pragma('journal_mode')).toBe('wal');
    expect(pragma('synchronous')).toBe(2);
  });

  it('enforce foreign keys, as Laravel configures SQLite', () => {
    expect(pragma('foreign_keys')).toBe(1);
  });
});
