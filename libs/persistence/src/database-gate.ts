import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/**
 * TypeORM drives better-sqlite3 through ONE connection shared by the whole process, so two
 * transactions must not overlap and a read must not run inside someone else's open transaction
 * (it would see uncommitted stock). On SQLite, writes take turns and reads wait for the current
 * write; MariaDB and PostgreSQL have a pool with one connection per transaction and need no gate.
 * (Other processes, e.g. the monolith's PHP workers, are kept out by SQLite's own file lock.)
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

  write<T>(work: () => Promise<T>): Promise<T> {
    if (!this.serialize) return work();
    const turn = this.writing
      .catch(() => undefined)
      .then(async () => {
        this.writeActive = true;
        try {
          return await work();
        } finally {
          this.writeActive = false;
        }
      });
    this.writing = turn;
    return turn;
  }
}
