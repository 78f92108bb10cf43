import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createDataSourceOptions } from './data-source-options.js';
import { DatabaseGate } from './database-gate.js';

/** Thrown inside a transaction to roll it back. */
class RolledBackOnPurpose extends Error {}

/** A promise and the function that settles it, to hold a transaction open at a known point. */
function latch() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

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
