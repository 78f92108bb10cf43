// Test fixture: a throw-away database on the machine's MariaDB or PostgreSQL server.
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createDataSourceOptions } from '@offramp/persistence';

export const MARIADB_ADMIN_URL = process.env.OFFRAMP_TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/test';
export const POSTGRES_ADMIN_URL = process.env.OFFRAMP_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createScratchDatabase(adminUrl: string): Promise<ScratchDatabase> {
  const admin = new DataSource(createDataSourceOptions({ url: adminUrl, poolSize: 1 }));
  await admin.initialize();
  const name = `offramp_relay_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.query(adminUrl.startsWith('postgres') ? `DROP DATABASE IF EXISTS ${name} WITH (FORCE)` : `DROP DATABASE IF EXISTS ${name}`);
      await admin.destroy();
    },
  };
}
