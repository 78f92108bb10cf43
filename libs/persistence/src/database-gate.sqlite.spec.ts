import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { latch, RolledBackOnPurpose } from './__fixtures__/held-transaction.js';
import { createDataSourceOptions } from './data-source-options.js';
import { DatabaseGate, isSqliteBusy } from './database-gate.js';

/** better-sqlite3 itself (no type package in the workspace): a second connection, as the monolith's PHP worker holds one. */
type RawSqlite = { exec(sql: string): void; close(): void };
const openRawSqlite = createRequire(import.meta.url)('better-sqlite3') as new (file: string, options: { timeout: number }) => RawSqlite;

describe('DatabaseGate on SQLite (one better-sqlite3 connection for the whole process)', () => {
  let dir: string;
  let dataSource: DataSource;
  let gate: DatabaseGate;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'offramp-gate-'));
    dataSource = new DataSource(createDataSourceOptions({ url: `sqlite://${join(dir, 'gate.sqlite')}` }));
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE stock (id INTEGER PRIMARY KEY, quantity INTEGER NOT NULL)');
    gate = new DatabaseGate(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await dataSource.query('DELETE FROM stock');
  });

  const count = async () => Number((await dataSource.query('SELECT COUNT(*) AS n FROM stock'))[0].n);

  /** A write that inserts a row, waits until told to go on, then commits or rolls back. */
  const heldWrite = (inserted: () => void, goOn: Promise<void>, rollBack: boolean) =>
    dataSource.transaction(async (manager) => {
      await manager.query('INSERT INTO stock (quantity) VALUES (1)');
      inserted();
      await goOn;
      if (rollBack) throw new RolledBackOnPurpose();
    });

  it('without the gate, a read on the shared connection sees a write it should not (why the gate exists)', async () => {
    const inserted = latch();
    const goOn = latch();
    const write = heldWrite(inserted.open, goOn.opened, true);
    await inserted.opened;
    const seen = await count(); // runs inside the other transaction
    goOn.open();
    await expect(write).rejects.toBeInstanceOf(RolledBackOnPurpose);
    expect(seen).toBe(1);
    expect(await count()).toBe(0);
  });

  it('a read waits for the write in progress and never sees rows that are rolled back', async () => {
    const inserted = latch();
    const goOn = latch();
    const write = gate.write(() => heldWrite(inserted.open, goOn.opened, true));
    await inserted.opened;
    const read = gate.read(count);
    goOn.open();
    await expect(write).rejects.toBeInstanceOf(RolledBackOnPurpose);
    expect(await read).toBe(0);
  });

  it('writes take turns, in the order they came, and a failed one does not stop the next', async () => {
    const events: string[] = [];
    const firstInserted = latch();
    const goOn = latch();
    const first = gate.write(async () => {
      events.push('first begins');
      await heldWrite(firstInserted.open, goOn.opened, true).finally(() => events.push('first ends'));
    });
    const second = gate.write(async () => {
      events.push('second begins');
      await dataSource.transaction((manager) => manager.query('INSERT INTO stock (quantity) VALUES (2)'));
      events.push('second ends');
      return 'second done';
    });
    await firstInserted.opened;
    expect(events).toEqual(['first begins']);
    goOn.open();
    await expect(first).rejects.toBeInstanceOf(RolledBackOnPurpose);
    await expect(second).resolves.toBe('second done');
    expect(events).toEqual(['first begins', 'first ends', 'second begins', 'second ends']);
    expect(await dataSource.query('SELECT quantity FROM stock')).toEqual([{ quantity: 2 }]);
  });
});

describe('DatabaseGate on SQLite while another process holds the write lock (the monolith)', () => {
  let dir: string;
  let dataSource: DataSource;
  let monolith: RawSqlite;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'offramp-gate-busy-'));
    const file = join(dir, 'gate.sqlite');
    dataSource = new DataSource(createDataSourceOptions({ url: `sqlite://${file}`, busyTimeoutMs: 100 }));
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE stock (id INTEGER PRIMARY KEY, quantity INTEGER NOT NULL)');
    monolith = new openRawSqlite(file, { timeout: 0 });
  });

  afterAll(async () => {
    monolith.close();
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The monolith's transaction holds SQLite's write lock for `ms`, as a slow PHP request does. */
  const monolithHoldsLock = (ms: number) => {
    monolith.exec('BEGIN IMMEDIATE');
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        monolith.exec('COMMIT');
        resolve();
      }, ms),
    );
  };
  const insert = () => dataSource.transaction((manager) => manager.query('INSERT INTO stock (quantity) VALUES (1)'));

  it('runs a write again once the lock is free, instead of failing with SQLITE_BUSY after the busy timeout', async () => {
    const released = monolithHoldsLock(600);
    await expect(new DatabaseGate(dataSource).write(insert)).resolves.toBeDefined();
    await released;
    expect(Number((await dataSource.query('SELECT COUNT(*) AS n FROM stock'))[0].n)).toBe(1);
  });

  it('gives up with the SQLITE_BUSY error once its retry budget is spent, having written nothing', async () => {
    await dataSource.query('DELETE FROM stock');
    const released = monolithHoldsLock(600);
    const error = await new DatabaseGate(dataSource).write(insert, 150).catch((e: unknown) => e);
    await released;
    expect(isSqliteBusy(error)).toBe(true);
    expect(Number((await dataSource.query('SELECT COUNT(*) AS n FROM stock'))[0].n)).toBe(0);
  });
});

describe('DatabaseGate on a pooled database', () => {
  it('lets reads and writes run side by side (each transaction has its own connection)', async () => {
    // Not connected: the gate only reads the configured driver.
    const gate = new DatabaseGate(new DataSource(createDataSourceOptions({ url: 'postgres://postgres@127.0.0.1:5432/test' })));
    const events: string[] = [];
    const goOn = latch();
    const first = gate.write(async () => {
      events.push('first begins');
      await goOn.opened;
      events.push('first ends');
    });
    const second = gate.write(async () => {
      events.push('second begins');
    });
    const read = gate.read(async () => events.push('read'));
    await second;
    await read;
    expect(events).toEqual(['first begins', 'second begins', 'read']);
    goOn.open();
    await first;
    expect(events).toEqual(['first begins', 'second begins', 'read', 'first ends']);
  });
});
