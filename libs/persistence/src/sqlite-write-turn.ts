import { resolve } from 'node:path';
import {
  type AfterQueryEvent,
  type BeforeQueryEvent,
  type EntitySubscriberInterface,
  EventSubscriber,
  type QueryRunner,
  type TransactionCommitEvent,
  type TransactionRollbackEvent,
  type TransactionStartEvent,
} from 'typeorm';

/**
 * A write on one SQLite connection waited longer than the busy timeout for another connection
 * of this process to finish. Carries SQLite's own code, so it is told and retried as any
 * SQLITE_BUSY is (isSqliteBusy, DatabaseGate).
 */
export class SqliteWriteTurnTimeoutError extends Error {
  readonly code = 'SQLITE_BUSY_TIMEOUT';

  constructor(file: string, waitedMs: number) {
    super(`another connection of this process held the write lock of ${file} for over ${waitedMs} ms`);
    this.name = 'SqliteWriteTurnTimeoutError';
  }
}

/** Statements that never take SQLite's write lock; any other statement outside a transaction waits for its turn. */
const READ_ONLY = /^\s*(SELECT|PRAGMA|EXPLAIN)\b/i;

interface Waiter {
  owner: QueryRunner;
  start: () => void;
}

/**
 * Who may write the file now, and who waits, in the order they came. The holder may take the turn
 * again (another write of the same connection, issued before the first one was done); it is given
 * on once every take is given back.
 */
class FileTurn {
  private holder: QueryRunner | null = null;
  private holds = 0;
  private readonly waiters: Waiter[] = [];

  constructor(private readonly file: string) {}

  /** Synchronous when the turn is free or already this runner's, so an uncontended write pays no extra tick. */
  take(owner: QueryRunner, timeoutMs: number): Promise<void> | void {
    if (this.holder === null || this.holder === owner) {
      this.holder = owner;
      this.holds += 1;
      return;
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        owner,
        start: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(new SqliteWriteTurnTimeoutError(this.file, timeoutMs));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  give(owner: QueryRunner): void {
    if (this.holder !== owner) return;
    this.holds -= 1;
    if (this.holds > 0) return;
    const next = this.waiters.shift();
    this.holder = next?.owner ?? null;
    this.holds = next ? 1 : 0;
    next?.start();
  }
}

/**
 * Process-wide like SQLite's own lock: every DataSource on a file shares its turn, whichever
 * module opened it.
 */
const turns = new Map<string, FileTurn>();

function turnOf(queryRunner: QueryRunner): { turn: FileTurn; timeoutMs: number } {
  const options = queryRunner.dataSource.options as { database?: string; timeout?: number };
  const file = resolve(String(options.database));
  let turn = turns.get(file);
  if (!turn) turns.set(file, (turn = new FileTurn(file)));
  return { turn, timeoutMs: options.timeout ?? 5_000 };
}

/** Savepoints nest inside the outer transaction, which already holds the turn; TypeORM keeps the depth protected. */
function transactionDepth(queryRunner: QueryRunner): number {
  return (queryRunner as unknown as { transactionDepth: number }).transactionDepth;
}

/**
 * Writes to one SQLite file take turns across all the connections of this process. better-sqlite3
 * waits for SQLite's lock synchronously, blocking the event loop; when the holder is a transaction
 * of this same process, it needs that loop to finish, so the waiter sat out the whole busy timeout
 * and then failed with SQLITE_BUSY. Here the waiter waits asynchronously instead, from BEGIN to
 * COMMIT/ROLLBACK of a transaction and around a write outside one. Other processes (the
 * monolith's PHP workers, other services) are still kept out by SQLite's own lock and busy
 * timeout: their transactions move on while this process waits.
 */
@EventSubscriber()
export class SqliteWriteTurn implements EntitySubscriberInterface {
  /**
   * Runners whose transaction holds the turn: their statements run inside it. Not TypeORM's
   * isTransactionActive, which is already true while the transaction still waits for its turn.
   */
  private readonly inTransaction = new WeakSet<QueryRunner>();
  /** The statements that took a turn of their own, known by their parameter list (one array per query call, the same in its before and after events). */
  private readonly statementTurns = new WeakSet<object>();

  beforeTransactionStart(event: TransactionStartEvent): Promise<void> | void {
    const runner = event.queryRunner;
    if (transactionDepth(runner) > 0) return;
    const { turn, timeoutMs } = turnOf(runner);
    const taken = turn.take(runner, timeoutMs);
    if (!taken) return void this.inTransaction.add(runner);
    return taken.then(() => void this.inTransaction.add(runner));
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    this.endOfTransaction(event.queryRunner);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    this.endOfTransaction(event.queryRunner);
  }

  beforeQuery(event: BeforeQueryEvent): Promise<void> | void {
    const runner = event.queryRunner;
    // better-sqlite3's runner passes a fresh parameter array with every query, an empty one included.
    const statement = event.parameters;
    if (this.inTransaction.has(runner) || READ_ONLY.test(event.query) || !statement) return;
    const { turn, timeoutMs } = turnOf(runner);
    const taken = turn.take(runner, timeoutMs);
    if (!taken) return void this.statementTurns.add(statement);
    return taken.then(() => void this.statementTurns.add(statement));
  }

  afterQuery(event: AfterQueryEvent): void {
    if (event.parameters && this.statementTurns.delete(event.parameters)) turnOf(event.queryRunner).turn.give(event.queryRunner);
  }

  private endOfTransaction(runner: QueryRunner): void {
    if (transactionDepth(runner) === 0 && this.inTransaction.delete(runner)) turnOf(runner).turn.give(runner);
  }
}
