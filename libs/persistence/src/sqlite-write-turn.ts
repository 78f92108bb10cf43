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

/** Who may write the file now, and who waits, in the order they came. */
class FileTurn {
  private holder: QueryRunner | null = null;
  private readonly waiters: Waiter[] = [];

  constructor(private readonly file: string) {}

  /** Synchronous when the turn is free, so an uncontended write pays no extra tick. */
  take(owner: QueryRunner, timeoutMs: number): Promise<void> | void {
    if (this.holder === null || this.holder === owner) {
      this.holder = owner;
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
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new SqliteWriteTurnTimeoutError(this.file, timeoutMs));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  give(owner: QueryRunner): void {
    if (this.holder !== owner) return;
    const next = this.waiters.shift();
    this.holder = next?.owner ?? null;
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
  beforeTransactionStart(event: TransactionStartEvent): Promise<void> | void {
    if (transactionDepth(event.queryRunner) > 0) return;
    const { turn, timeoutMs } = turnOf(event.queryRunner);
    return turn.take(event.queryRunner, timeoutMs);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    this.endOfTransaction(event.queryRunner);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    this.endOfTransaction(event.queryRunner);
  }

  beforeQuery(event: BeforeQueryEvent): Promise<void> | void {
    if (event.queryRunner.isTransactionActive || READ_ONLY.test(event.query)) return;
    const { turn, timeoutMs } = turnOf(event.queryRunner);
    return turn.take(event.queryRunner, timeoutMs);
  }

  afterQuery(event: AfterQueryEvent): void {
    if (event.queryRunner.isTransactionActive || READ_ONLY.test(event.query)) return;
    turnOf(event.queryRunner).turn.give(event.queryRunner);
  }

  private endOfTransaction(queryRunner: QueryRunner): void {
    if (transactionDepth(queryRunner) === 0) turnOf(queryRunner).turn.give(queryRunner);
  }
}
