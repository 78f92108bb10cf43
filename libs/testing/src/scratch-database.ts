import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createDataSourceOptions } from '@offramp/persistence';
import { tempSqlite } from './temp-dir.js';

export type ScratchDatabaseKind = 'sqlite' | 'mariadb' | 'postgres';

/** Servers the machine runs; override where they live elsewhere. */
export const MARIADB_ADMIN_URL = process.env.OFFRAMP_TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/test';
export const POSTGRES_ADMIN_URL = process.env.OFFRAMP_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface ScratchDatabase {
  kind: ScratchDatabaseKind;
  /** DATABASE_URL of the new, empty database. */
  url: string;
  drop(): Promise<void>;
}

/**
 * A throw-away database of its own: a temp SQLite file, or a freshly created database on the
 * machine's MariaDB or PostgreSQL server, dropped by `drop()`.
 */
export async function scratchDatabase(kind: ScratchDatabaseKind, prefix = 'offramp_test'): Promise<ScratchDatabase> {
  if (kind === 'sqlite') {
    const file = tempSqlite('scratch.sqlite');
    return { kind, url: file.url, drop: async () => file.remove() };
  }
  const adminUrl = kind === 'mariadb' ? MARIADB_ADMIN_URL : POSTGRES_ADMIN_URL;
  const admin = new DataSource(createDataSourceOptions({ url: adminUrl, poolSize: 1 }));
  await admin.initialize();
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    kind,
    url: url.toString(),
    async drop() {
      await admin.query(kind === 'postgres' ? `DROP DATABASE IF EXISTS ${name} WITH (FORCE)` : `DROP DATABASE IF EXISTS ${name}`);
      await admin.destroy();
    },
  };
}
