import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { latch, RolledBackOnPurpose } from './__fixtures__/held-transaction.js';
import { createDataSourceOptions } from './data-source-options.js';
import { isSqliteBusy } from './database-gate.js';

/**
 * Two DataSources on one SQLite file in one process, as pipelines has (its own, the queue
 * bridge's, the outbox relay's). better-sqlite3 waits for a lock synchronously: without a turn
 * kept in the process, the second connection's write froze the event loop for the whole busy
 * timeout while the first connection's transaction, which needs that loop to finish, stood still,
 * and then failed with SQLITE_BUSY ("database is locked").
 */
describe('SQLite write turns across the connections of one process', () => {
  const busyTimeoutMs = 300;
  let dir: string;
  let first: DataSource;
  let second: DataSource;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'offramp-write-turn-'));
    const url = `sqlite://${join(dir, 'shared.sqlite')}`;
    first = new DataSource(createDataSourceOptions({ url, busyTimeoutMs }));
    second = new DataSource(createDataSourceOptions({ url, busyTimeoutMs }));
    await first.initialize();
    await second.initialize();
    await first.query('CREATE TABLE writes (id INTEGER PRIMARY KEY, who TEXT NOT NULL UNIQUE)');
  });

  afterAll(async () => {
    await second.destroy();
    await first.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await first.query('DELETE FROM writes');
  });

  const rows = async () => (await second.query('SELECT who FROM writes ORDER BY id')).map((row: { who: string }) => row.who);

  /** A transaction on `first` that inserts, then stays open until told to go on. */
  function heldTransaction(who: string, rollBack = false) {
    const inserted = latch();
    const goOn = latch();
    const done = first.transaction(async (manager) => {
      await manager.query('INSERT INTO writes (who) VALUES (?)', [who]);
      inserted.open();
      await goOn.opened;
      if (rollBack) throw new RolledBackOnPurpose();
    });
    return { inserted: inserted.opened, goOn: goOn.open, done };
  }

  it("a plain write on the second connection waits for the first connection's open transaction, then succeeds", async () => {
    const held = heldTransaction('first');
    await held.inserted;
    const write = second.query("INSERT INTO writes (who) VALUES ('second')");
    setTimeout(held.goOn, 20);
    await expect(held.done).resolves.toBeUndefined();
    await expect(write).resolves.toBeDefined();
    expect(await rows()).toEqual(['first', 'second']);
  });

  it("a transaction on the second connection waits for the first one's, then commits", async () => {
    const held = heldTransaction('first');
    await held.inserted;
    const write = second.transaction((manager) => manager.query("INSERT INTO writes (who) VALUES ('second')"));
    setTimeout(held.goOn, 20);
    await held.done;
    await write;
    expect(await rows()).toEqual(['first', 'second']);
  });

  it('a rolled-back transaction and a failed statement give the turn back', async () => {
    const held = heldTransaction('rolled back', true);
    await held.inserted;
    const failing = second.query("INSERT INTO writes (who) VALUES ('duplicate'), ('duplicate')");
    const next = second.query("INSERT INTO writes (who) VALUES ('after')");
    held.goOn();
    await expect(held.done).rejects.toBeInstanceOf(RolledBackOnPurpose);
    await expect(failing).rejects.toThrow(/UNIQUE/);
    await expect(next).resolves.toBeDefined();
    expect(await rows()).toEqual(['after']);
  });

  it('a write on a connection whose transaction still waits for its turn waits too, instead of running outside both', async () => {
    const held = heldTransaction('first');
    await held.inserted;
    // TypeORM marks the second connection's transaction active before its BEGIN: a write issued
    // meanwhile must not take that for having the turn.
    const transaction = second.transaction((manager) => manager.query("INSERT INTO writes (who) VALUES ('second, in its transaction')"));
    const write = second.query("INSERT INTO writes (who) VALUES ('second, alone')");
    setTimeout(held.goOn, 20);
    await held.done;
    await transaction;
    await write;
    expect(await rows()).toEqual(['first', 'second, in its transaction', 'second, alone']);
  });

  it('reads on the second connection do not wait for the turn (WAL: readers see the last commit)', async () => {
    await first.query("INSERT INTO writes (who) VALUES ('committed')");
    const held = heldTransaction('uncommitted');
    await held.inserted;
    expect(await rows()).toEqual(['committed']);
    held.goOn();
    await held.done;
  });

  it('a turn held past the busy timeout fails the waiting write with a SQLITE_BUSY error, and the event loop runs meanwhile', async () => {
    const held = heldTransaction('slow');
    await held.inserted;
    const order: string[] = [];
    const write = second.query("INSERT INTO writes (who) VALUES ('gave up')").catch((error: unknown) => {
      order.push('write failed');
      return error;
    });
    const timerFired = new Promise<void>((resolve) =>
      setTimeout(() => {
        order.push('timer');
        resolve();
      }, 30),
    );
    const error = await write;
    await timerFired;
    held.goOn();
    await held.done;
    expect(isSqliteBusy(error)).toBe(true);
    // Had the wait been better-sqlite3's, the timer could only fire after it.
    expect(order).toEqual(['timer', 'write failed']);
    expect(await rows()).toEqual(['slow']);
  });
});
