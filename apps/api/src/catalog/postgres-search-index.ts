import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { workerIndex } from '@offramp/platform';
import type { DataSource } from 'typeorm';
import { KeptIndex } from './kept-index.js';

/** The trigram indexes the api keeps on the monolith's products, one per searched column. */
export const TRIGRAM_INDEXES = [
  { name: 'offramp_api_products_name_trgm', expression: 'LOWER(name)' },
  { name: 'offramp_api_products_sku_trgm', expression: 'LOWER(sku)' },
] as const;

/**
 * The catalog search's indexes on PostgreSQL: pg_trgm GIN indexes on the very expressions the
 * search's LIKE reads (`LOWER(name)`, `LOWER(sku)`). They are only a way to the rows: PostgreSQL
 * still applies the LIKE to each, so the answers are the monolith's by construction. Kept by the
 * api (KeptIndex), as on SQLite, and built CONCURRENTLY so that the
 * monolith's writes to products never wait for them. Without the rights (pg_trgm not installed
 * and no CREATE on the database) it says so once and the search scans, as the monolith's does.
 */
@Injectable()
export class PostgresSearchIndex extends KeptIndex {
  // No DatabaseGate: it serialises SQLite's one connection only, and this runs on PostgreSQL alone.
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  /** With API_WORKERS, the first worker alone: two concurrent CONCURRENTLY builds of one index fail one another. */
  protected get kept(): boolean {
    return this.dataSource.options.type === 'postgres' && workerIndex() === 1;
  }

  protected async ensure(): Promise<void> {
    const [{ products }] = (await this.dataSource.query(`SELECT to_regclass('products') IS NOT NULL AS products`)) as Array<{
      products: boolean;
    }>;
    if (!products) return;
    const rows = (await this.dataSource.query(
      `SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE i.indrelid = to_regclass('products') AND c.relname = ANY($1)`,
      [TRIGRAM_INDEXES.map((index) => index.name)],
    )) as Array<{ name: string; valid: boolean }>;
    const valid = new Set(rows.filter((row) => row.valid).map((row) => row.name));
    const missing = TRIGRAM_INDEXES.filter((index) => !valid.has(index.name));
    if (missing.length === 0) return;
    await this.dataSource.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    for (const index of missing) {
      // A CONCURRENTLY build that was cut leaves an invalid index behind: made again.
      if (rows.some((row) => row.name === index.name)) await this.dataSource.query(`DROP INDEX CONCURRENTLY IF EXISTS ${index.name}`);
      await this.dataSource.query(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${index.name} ON products USING gin (${index.expression} gin_trgm_ops)`);
    }
    this.logger.log(`catalog search indexes made (${missing.map((index) => index.name).join(', ')})`);
  }
}
