import { createDataSourceOptions, DatabaseGate } from '@offramp/persistence';
import { scratchDatabase, type ScratchDatabase } from '@offramp/testing';
import { DataSource } from 'typeorm';
import { Category } from './category.entity.js';
import { PostgresSearchIndex, TRIGRAM_INDEXES } from './postgres-search-index.js';
import { Product } from './product.entity.js';
import { ProductSearch } from './product-search.js';
import { searchAnswer as answer, searchQuery as query } from './__fixtures__/search-requests.js';
import { SqliteSearchIndex } from './sqlite-search-index.js';

// The monolith's tables as its migrations make them on PostgreSQL (apps/legacy/database/migrations).
const SCHEMA = [
  'CREATE TABLE categories (id bigserial primary key, name varchar(255) not null, slug varchar(255) not null, created_at timestamp(0), updated_at timestamp(0))',
  `CREATE TABLE products (id bigserial primary key, category_id bigint not null references categories(id), sku varchar(255) not null unique,
     name varchar(255) not null, slug varchar(255) not null, description text not null, price_cents integer not null, currency varchar(3) not null default 'USD',
     stock integer not null default 0, popularity integer not null default 0, created_at timestamp(0), updated_at timestamp(0))`,
];
const WORDS = ['Steel', 'Äpfel', 'äpfel', 'Kelvin', '\u212Aelvin', 'Straße', '100%', 'a_b', 'say "hi"', 'o!k', 'Widget', 'ωmega'];
const TERMS = [
  'steel',
  'STEEL',
  'Ste',
  'st',
  's',
  'äpf',
  'ÄPF',
  'kelvin',
  'straße',
  '100%',
  '0%',
  'a_b',
  '_b',
  '"hi"',
  'o!k',
  '!',
  'sku-00',
  'Ωme',
  'idget w',
  'zzz',
];
const SORTS = [undefined, 'price', '-name'];

describe('catalog search indexes (real PostgreSQL, pg_trgm)', () => {
  let database: ScratchDatabase;
  let dataSource: DataSource;
  let index: PostgresSearchIndex;
  let search: ProductSearch;

  const indexes = async () =>
    (
      (await dataSource.query(
        `SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
          WHERE c.relname LIKE 'offramp_api_%' ORDER BY c.relname`,
      )) as Array<{ name: string; valid: boolean }>
    ).map((row) => `${row.name}${row.valid ? '' : ' (invalid)'}`);

  async function answers(): Promise<unknown[]> {
    const all: unknown[] = [];
    for (const q of TERMS)
      for (const sort of SORTS)
        for (const page of [undefined, '2']) all.push({ q, sort, page, ...answer(await search.search(query({ q, sort, page, per_page: '5' }))) });
    return all;
  }

  beforeAll(async () => {
    database = await scratchDatabase('postgres', 'offramp_api_search');
    dataSource = await new DataSource(createDataSourceOptions({ url: database.url, entities: [Product, Category] })).initialize();
    const gate = new DatabaseGate(dataSource);
    index = new PostgresSearchIndex(dataSource);
    search = new ProductSearch(dataSource, gate, new SqliteSearchIndex(dataSource, gate));
  });

  afterAll(async () => {
    index?.onApplicationShutdown();
    await dataSource?.destroy();
    await database?.drop();
  });

  it('makes nothing before the monolith has made products; once it has, indexes that change no answer and that the planner takes', async () => {
    await index.onApplicationBootstrap();
    expect(await indexes()).toEqual([]);

    for (const statement of SCHEMA) await dataSource.query(statement);
    await dataSource.query(`INSERT INTO categories (name, slug) VALUES ('Tools', 'tools'), ('Garden', 'garden')`);
    let n = 0;
    for (const word of WORDS)
      for (const suffix of ['', ' Widget', ' plate']) {
        n += 1;
        await dataSource.query('INSERT INTO products (category_id, sku, name, slug, description, price_cents) VALUES ($1, $2, $3, $4, $5, $6)', [
          (n % 2) + 1,
          `SKU-${String(n).padStart(4, '0')}`,
          `${word}${suffix}`,
          `p-${n}`,
          'x',
          (n * 37) % 1000,
        ]);
      }
    const scanned = await answers();
    expect(scanned.some((entry) => (entry as { total: number }).total > 0)).toBe(true);

    await index.check();
    expect(await indexes()).toEqual(TRIGRAM_INDEXES.map((trigram) => trigram.name).sort());
    expect(await answers()).toEqual(scanned);

    // With a seq scan priced out, the search's LIKE goes through both indexes.
    const plan = await dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL enable_seqscan = off');
      const rows = (await manager.query(`EXPLAIN SELECT id FROM products WHERE LOWER(name) LIKE '%steel%' OR LOWER(sku) LIKE '%steel%'`)) as Array<{
        'QUERY PLAN': string;
      }>;
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    });
    for (const trigram of TRIGRAM_INDEXES) expect(plan).toContain(trigram.name);
  });

  it('makes an index again that a cut CONCURRENTLY build left invalid', async () => {
    await dataSource.query(`UPDATE pg_index SET indisvalid = false WHERE indexrelid = '${TRIGRAM_INDEXES[0].name}'::regclass`);
    expect(await indexes()).toContain(`${TRIGRAM_INDEXES[0].name} (invalid)`);
    await index.check();
    expect(await indexes()).toEqual(TRIGRAM_INDEXES.map((trigram) => trigram.name).sort());
  });
});
