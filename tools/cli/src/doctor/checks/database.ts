import { DataSource } from 'typeorm';
import { createDataSourceOptions, parseDatabaseUrl, redact } from '@offramp/persistence';
import { fail, ok, reason, within, type CheckResult } from '../check-result.js';

export interface OpenDatabase {
  result: CheckResult;
  /** Open when the check passed; the caller destroys it. */
  dataSource?: DataSource;
}

/** DATABASE_URL answers a query, with the data-source options every service uses. */
export async function checkDatabase(url: string, timeoutMs: number): Promise<OpenDatabase> {
  const kind = parseDatabaseUrl(url).kind;
  const dataSource = new DataSource(createDataSourceOptions({ url, poolSize: 1, busyTimeoutMs: timeoutMs }));
  const initializing = dataSource.initialize();
  try {
    await within(timeoutMs, async () => {
      await initializing;
      await dataSource.query('SELECT 1');
    });
    return { result: ok('database', `${kind} at ${redact(url)} answers`), dataSource };
  } catch (error) {
    // A connection that comes up after the bound is closed then, not left holding the process.
    void initializing.then((source) => source.destroy()).catch(() => undefined);
    return {
      result: fail(
        'database',
        `${kind} at ${redact(url)} does not answer (${reason(error)})`,
        'start the database or set DATABASE_URL to the one the monolith and the slices share',
      ),
    };
  }
}
