import { createDataSourceOptions, DatabaseGate } from '@offramp/persistence';
import { tempSqlite, type TempSqlite } from '@offramp/testing';
import { DataSource } from 'typeorm';
import { Category } from './category.entity.js';
import { Product } from './product.entity.js';
import { ProductSearch } from './product-search.js';
import { searchAnswer as answer, searchQuery as query } from './__fixtures__/search-requests.js';
import { CATEGORY_INDEX, SEARCH_TABLE, SEARCH_TRIGGERS, SqliteSearchIndex } from './sqlite-search-index.js';

// The monolith's tables as its migrations make them on SQLite (apps/legacy/database/migrations).
const SCHEMA = [
  'CREATE TABLE categories (id integer not null primary key autoincrement, name varchar not null, slug varchar not null, created_at datetime, updated_at datetime)',
  `CREATE TABLE products (id integer not null primary key autoincrement, category_id integer not null, sku varchar not null, name varchar not null, slug varchar not null,
     description text not null, price_cents integer not null, currency varchar not null default 'USD', stock integer not null default '0',
     popularity integer not null default '0', created_at datetime, updated_at datetime, foreign key(category_id) references categories(id))`,
  'CREATE INDEX products_price_cents_id_index ON products (price_cents, id)',
  'CREATE UNIQUE INDEX products_sku_unique ON products (sku)',
];
// Names where SQLite's ASCII-only LIKE and the index's Unicode folding disagree (Ä/ä, the Kelvin
// sign K, ſ for s, ß), LIKE's and FTS5's special characters, and plain words many rows share.
const WORDS = [
  'Steel',
  'Äpfel',
  'äpfel',
  'Kelvin',
  '\u212Aelvin',
  'ſteel',
  'Straße',
  '100%',
  'a_b',
  'say "hi"',
  'o!k',
  'Widget',
  'NEAR',
  'AND',
  'x*y',
  'ωmega',
];
const TERMS = [
  'steel',
  'STEEL',
  'Ste',
  'st',
  's',
  'äpf',
  'ÄPF',
  'kelvin',
  'kel',
  'ſte',
  'straße',
  'STRASSE',
  '100%',
  '0%',
  'a_b',
  '_b',
  '"hi"',
  'y "h',
  'o!k',
  '!',
  'near',
  'and',
  'x*y',
  'sku-00',
  'ωme',
  'Ωme',
  'idget w',
  'zzz',
  // A client can send ?q=ste%00el: FTS5's query syntax takes no NUL inside a phrase.
  'ste\u0000el',
  '\u0000\u0000\u0000',
];
const SORTS = [undefined, 'price', '-name', 'popularity'];

describe('catalog search index (real SQLite, FTS5 trigram)', () => {
  let file: TempSqlite;
  let dataSource: DataSource;
  let monolith: DataSource;
  let index: SqliteSearchIndex;
  let indexed: ProductSearch;
  let scanning: ProductSearch;

  /** The api's own objects (FTS5's shadow tables left out). */
  const names = async () =>
    (
      (await dataSource.query(
        `SELECT name FROM sqlite_master WHERE name LIKE 'offramp_api_%' AND (type <> 'table' OR sql LIKE 'CREATE VIRTUAL TABLE%') ORDER BY name`,
      )) as Array<{ name: string }>
    ).map((row) => row.name);

  /** Every term × sort × category × first and second page: the indexed search answers as the scan does. */
  async function expectSameAnswers(): Promise<number> {
    let nonEmpty = 0;
    for (const q of TERMS)
      for (const sort of SORTS)
        for (const category of [undefined, 'tools'])
          for (const page of [undefined, '2']) {
            const request = query({ q, sort, category, page, per_page: '5' });
            const expected = answer(await scanning.search(request));
            expect({ q, sort, category, page, ...answer(await indexed.search(request)) }).toEqual({ q, sort, category, page, ...expected });
            if (expected.total > 0) nonEmpty++;
          }
    return nonEmpty;
  }

  beforeAll(async () => {
    file = tempSqlite();
    dataSource = await new DataSource(createDataSourceOptions({ url: file.url, entities: [Product, Category] })).initialize();
    const gate = new DatabaseGate(dataSource);
    index = new SqliteSearchIndex(dataSource, gate);
    indexed = new ProductSearch(dataSource, gate, index);
    // Never bootstrapped: it does not know the index exists, so every search scans as before.
    scanning = new ProductSearch(dataSource, gate, new SqliteSearchIndex(dataSource, gate));
    // The monolith: another connection to the same file.
    monolith = await new DataSource(createDataSourceOptions({ url: file.url })).initialize();
  });

  afterAll(async () => {
    index?.onApplicationShutdown();
    await monolith?.destroy();
    await dataSource?.destroy();
    file?.remove();
  });

  it('makes nothing before the monolith has made products, and everything once it has', async () => {
    await index.onApplicationBootstrap();
    expect(index.usable).toBe(false);
    expect(await names()).toEqual([]);

    for (const statement of SCHEMA) await monolith.query(statement);
    await monolith.query("INSERT INTO categories (name, slug) VALUES ('Tools', 'tools'), ('Food', 'food')");
    await monolith.transaction(async (manager) => {
      for (let i = 1; i <= 400; i++) {
        const name = `${WORDS[i % WORDS.length]} ${WORDS[(i * 7) % WORDS.length]} ${i}`;
        await manager.query('INSERT INTO products (category_id, sku, name, slug, description, price_cents, popularity) VALUES (?, ?, ?, ?, ?, ?, ?)', [
          1 + (i % 2),
          `SKU-${String(i).padStart(5, '0')}`,
          name,
          `p-${i}`,
          'd',
          (i * 37) % 1000,
          (i * 13) % 50,
        ]);
      }
    });
    await index.check();
    expect(index.usable).toBe(true);
    expect(await names()).toEqual([SEARCH_TABLE, ...SEARCH_TRIGGERS, CATEGORY_INDEX].sort());
  });

  it('answers every search as the scan does: Unicode and ASCII case, wildcards, FTS5 syntax, terms under three characters', async () => {
    // Enough of them match something for the comparison to mean something.
    expect(await expectSameAnswers()).toBeGreaterThan(300);
    // Where the two disagree, the index holds more rows than LIKE (the Kelvin sign, ſ), never fewer.
    const count = async (sql: string) => Number(((await dataSource.query(sql)) as Array<{ n: number }>)[0].n);
    for (const term of ['kelvin', 'steel']) {
      const indexedRows = await count(`SELECT COUNT(*) AS n FROM ${SEARCH_TABLE} WHERE ${SEARCH_TABLE} MATCH '"${term}"'`);
      expect(indexedRows).toBeGreaterThan(await count(`SELECT COUNT(*) AS n FROM products WHERE name LIKE '%${term}%' OR sku LIKE '%${term}%'`));
    }
    const plan = (await dataSource.query(
      `EXPLAIN QUERY PLAN SELECT id FROM products p WHERE p.id IN (SELECT rowid FROM ${SEARCH_TABLE} WHERE ${SEARCH_TABLE} MATCH '"steel"')`,
    )) as Array<{ detail: string }>;
    expect(plan.map((row) => row.detail).join('\n')).toContain(`VIRTUAL TABLE INDEX`);
  });

  it("keeps answering as the scan does after the monolith's inserts, renames and deletes", async () => {
    await monolith.query(
      "INSERT INTO products (category_id, sku, name, slug, description, price_cents) VALUES (1, 'NEW-1', 'Brand new STEEL äpfel', 'n', 'd', 5)",
    );
    await monolith.query("UPDATE products SET name = 'Renamed kelvin 100%' WHERE id = 3");
    await monolith.query("UPDATE products SET sku = 'STEELSKU' WHERE id = 4");
    await monolith.query('DELETE FROM products WHERE id IN (5, 6, 7)');
    await monolith.query('UPDATE products SET stock = stock - 1 WHERE id = 8');
    await expectSameAnswers();
    const found = await indexed.search(query({ q: 'steelsku' }));
    expect(answer(found)).toEqual({ total: 1, ids: [4] });
  });

  it('scans from the moment a Laravel table rebuild drops its triggers, and remakes them with the index rebuilt', async () => {
    // What Laravel's SQLite schema builder does to alter a column: copy, drop, rename.
    await monolith.transaction(async (manager) => {
      await manager.query(SCHEMA[1].replace('CREATE TABLE products', 'CREATE TABLE __temp__products'));
      await manager.query('INSERT INTO __temp__products SELECT * FROM products');
      await manager.query('DROP TABLE products');
      await manager.query('ALTER TABLE __temp__products RENAME TO products');
    });
    // Written while nothing keeps the index current: the index does not know them.
    await monolith.query(
      "INSERT INTO products (id, category_id, sku, name, slug, description, price_cents) VALUES (9001, 1, 'LATE-1', 'Late steel', 'l', 'd', 1)",
    );
    await monolith.query("UPDATE products SET name = 'Gone' WHERE name LIKE 'Steel%'");
    expect(await names()).toEqual([SEARCH_TABLE]);
    await expectSameAnswers();
    expect(answer(await indexed.search(query({ q: 'late steel' })))).toEqual({ total: 1, ids: [9001] });

    await index.check();
    expect(await names()).toEqual([SEARCH_TABLE, ...SEARCH_TRIGGERS, CATEGORY_INDEX].sort());
    await expectSameAnswers();
    expect(answer(await indexed.search(query({ q: 'late steel' })))).toEqual({ total: 1, ids: [9001] });
  });
});
