import { createDataSourceOptions } from '@offramp/persistence';
import { tempSqlite } from '@offramp/testing';
import { DataSource } from 'typeorm';

/**
 * ProductSearch leaves out LOWER() on SQLite. That is only right while SQLite's LIKE and LOWER()
 * fold exactly the same characters (ASCII only, without the ICU extension); this pins it.
 */
describe('SQLite case folding (real SQLite)', () => {
  const names = ['Äpfel', 'äpfel', 'ÉCOLE', 'école', 'Straße', 'STRASSE', 'Widget ABC', 'widget abc', 'Ωmega', 'ωmega', '100% Cotton', 'a_b'];
  const searches = ['ä', 'Ä', 'école', 'ÉCOLE', 'straße', 'abc', 'ABC', 'ω', 'Ω', '100%', 'a_b'];
  const file = tempSqlite();
  const db = new DataSource(createDataSourceOptions({ url: file.url }));

  beforeAll(async () => {
    await db.initialize();
    await db.query('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)');
    for (const name of names) await db.query('INSERT INTO t (name) VALUES (?)', [name]);
  });

  afterAll(async () => {
    await db.destroy();
    file.remove();
  });

  it.each(searches)('LIKE with and without LOWER() matches the same rows for %s', async (search) => {
    const like = `%${search.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
    const ids = async (sql: string) => ((await db.query(sql, [like])) as Array<{ id: number }>).map((row) => row.id);
    const withoutLower = await ids("SELECT id FROM t WHERE name LIKE ? ESCAPE '!' ORDER BY id");
    expect(withoutLower).toEqual(await ids("SELECT id FROM t WHERE LOWER(name) LIKE ? ESCAPE '!' ORDER BY id"));
  });
});
