import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DatabaseGate } from '@offramp/persistence';
import type { DataSource } from 'typeorm';
import { KeptIndex } from './kept-index.js';

/** A trigram FTS5 index over the monolith's products.name and products.sku (external content: it stores no copy of them). */
export const SEARCH_TABLE = 'offramp_api_product_search';
/** They keep SEARCH_TABLE current in the transaction of every write to products, the monolith's included. */
export const SEARCH_TRIGGERS = [`${SEARCH_TABLE}_insert`, `${SEARCH_TABLE}_delete`, `${SEARCH_TABLE}_update`] as const;
/** Laravel's foreignId() makes no index on SQLite: a category's count and page would scan the table. */
export const CATEGORY_INDEX = 'offramp_api_products_category_id';
/** A search term shorter than this (in characters) has no trigram: the FTS index cannot answer it. */
export const TRIGRAM_MIN_CHARS = 3;
/** Everything the api makes in the monolith's database for its search. */
const OWNED = [SEARCH_TABLE, ...SEARCH_TRIGGERS, CATEGORY_INDEX];

/**
 * SQL true while the triggers exist, evaluated in the search's own snapshot: when Laravel rebuilds
 * the products table on SQLite (a migration altering a column copies it to a new table), they are
 * dropped with the old table and SEARCH_TABLE no longer sees the monolith's writes; from that
 * snapshot on, the search scans instead, until ensure() has made them again with the index rebuilt.
 */
export const SEARCH_TRIGGERS_PRESENT = `(SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'products' AND name IN (${SEARCH_TRIGGERS.map(
  (name) => `'${name}'`,
).join(', ')})) = ${SEARCH_TRIGGERS.length}`;

const CREATE_STATEMENTS = [
  `CREATE VIRTUAL TABLE IF NOT EXISTS ${SEARCH_TABLE} USING fts5(name, sku, content = 'products', content_rowid = 'id', tokenize = 'trigram')`,
  `CREATE TRIGGER IF NOT EXISTS ${SEARCH_TRIGGERS[0]} AFTER INSERT ON products BEGIN
     INSERT INTO ${SEARCH_TABLE} (rowid, name, sku) VALUES (new.id, new.name, new.sku);
   END`,
  `CREATE TRIGGER IF NOT EXISTS ${SEARCH_TRIGGERS[1]} AFTER DELETE ON products BEGIN
     INSERT INTO ${SEARCH_TABLE} (${SEARCH_TABLE}, rowid, name, sku) VALUES ('delete', old.id, old.name, old.sku);
   END`,
  `CREATE TRIGGER IF NOT EXISTS ${SEARCH_TRIGGERS[2]} AFTER UPDATE OF id, name, sku ON products BEGIN
     INSERT INTO ${SEARCH_TABLE} (${SEARCH_TABLE}, rowid, name, sku) VALUES ('delete', old.id, old.name, old.sku);
     INSERT INTO ${SEARCH_TABLE} (rowid, name, sku) VALUES (new.id, new.name, new.sku);
   END`,
  // The rows written while the triggers were missing (or before they first existed).
  `INSERT INTO ${SEARCH_TABLE} (${SEARCH_TABLE}) VALUES ('rebuild')`,
  `CREATE INDEX IF NOT EXISTS ${CATEGORY_INDEX} ON products (category_id, id)`,
];

/**
 * The catalog search's index on SQLite, kept by the api itself (KeptIndex): whatever is missing
 * is made in one write transaction. SQLite has no DDL rights to withhold. Every worker checks it
 * (SQLite serialises the writes, IF NOT EXISTS makes a second one harmless), as each needs to
 * know whether it exists.
 */
@Injectable()
export class SqliteSearchIndex extends KeptIndex {
  private tableExists = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly gate: DatabaseGate,
  ) {
    super();
  }

  protected get kept(): boolean {
    return this.dataSource.options.type === 'better-sqlite3';
  }

  /** Whether a search may name SEARCH_TABLE (it exists); whether it may trust it is SEARCH_TRIGGERS_PRESENT's answer. */
  get usable(): boolean {
    return this.tableExists;
  }

  protected async ensure(): Promise<void> {
    const present = new Set(await this.presentNames());
    this.tableExists = present.has(SEARCH_TABLE);
    if (!present.has('products')) return;
    const missing = OWNED.filter((name) => !present.has(name));
    if (missing.length === 0) return;
    await this.gate.write(() =>
      this.dataSource.transaction(async (manager) => {
        for (const statement of CREATE_STATEMENTS) await manager.query(statement);
      }),
    );
    this.tableExists = true;
    this.logger.log(`catalog search index made (${missing.join(', ')}) and rebuilt from products`);
  }

  private async presentNames(): Promise<string[]> {
    const names = ['products', ...OWNED];
    const rows = (await this.gate.read(() =>
      this.dataSource.query(`SELECT name FROM sqlite_master WHERE name IN (${names.map(() => '?').join(', ')})`, names),
    )) as Array<{ name: string }>;
    return rows.map((row) => row.name);
  }
}
