import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/**
 * How long a write keeps trying while another process (the monolith's PHP workers, another
 * service) holds SQLite's write lock. PHP's PDO waits 60 s for that lock; better-sqlite3's busy
 * timeout blocks the whole event loop while it waits, so it stays short and the gate retries the
 * rolled-back write asynchronously instead, up to this bound.
 */
export const SQLITE_BUSY_RETRY_BUDGET_MS = 30_000;
const SQLITE_BUSY_RETRY_PAUSE_MS = 50;

/** SQLITE_BUSY and its extended codes (SQLITE_BUSY_SNAPSHOT, …), as better-sqlite3 and TypeORM carry them. */
export function isSqliteBusy(error: unknown): boolean {
  const code = (error as { driverError?: { code?: unknown }; code?: unknown } | null)?.driverError?.code ?? (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * TypeORM drives better-sqlite3 through ONE connection shared by the whole process, so two
 * transactions must not overlap and a read must not run inside someone else's open transaction
 * (it would see uncommitted stock). On SQLite, writes take turns and reads wait for the current
 * write; MariaDB and PostgreSQL have a pool with one connection per transaction and need no gate.
 * (Other processes, e.g. the monolith's PHP workers, are kept out by SQLite's own file lock.)
 * A write that finds that lock still held after the busy timeout was rolled back whole, so it is
 * run again after a pause (reads may go on meanwhile), within SQLITE_BUSY_RETRY_BUDGET_MS: `work`
 * must be a database unit with no effect outside it.
 */
@Injectable()
export class DatabaseGate {
  private readonly serialize: boolean;
  private writing: Promise<unknown> = Promise.resolve();
  private writeActive = false;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.serialize = dataSource.options.type === 'better-sqlite3';
  }

  async read<T>(work: () => Promise<T>): Promise<T> {
    while (this.serialize && this.writeActive) await this.writing.catch(() => undefined);
    return work();
  }

  write<T>(work: () => Promise<T>, retryBudgetMs = SQLITE_BUSY_RETRY_BUDGET_MS): Promise<T> {
    if (!this.serialize) return work();
    const turn = this.writing
      .catch(() => undefined)
      .then(async () => {
        const deadline = Date.now() + retryBudgetMs;
        for (;;) {
          this.writeActive = true;
          try {
            return await work();
          } catch (error) {
            if (!isSqliteBusy(error) || Date.now() >= deadline) throw error;
          } finally {
            this.writeActive = false;
          }
          await new Promise((resolve) => setTimeout(resolve, SQLITE_BUSY_RETRY_PAUSE_MS));
        }
      });
    this.writing = turn;
    return turn;
  }
}
