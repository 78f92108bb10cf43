import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { laravelPageOffset, type LaravelRuleSet, type PhpArray, validateLaravel } from '@offramp/legacy-bridge';
import { LaravelValidationException } from '@offramp/legacy-bridge/nest';
import { DatabaseGate } from '@offramp/persistence';
import { Category } from './category.entity.js';
import { Product } from './product.entity.js';
import { SEARCH_TABLE, SEARCH_TRIGGERS_PRESENT, SqliteSearchIndex, TRIGRAM_MIN_CHARS } from './sqlite-search-index.js';

export const PRODUCT_SORTS = ['price', '-price', 'name', '-name', 'popularity'] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

const SORT_COLUMNS: Record<ProductSort, [property: string, direction: 'ASC' | 'DESC']> = {
  price: ['priceCents', 'ASC'],
  '-price': ['priceCents', 'DESC'],
  name: ['name', 'ASC'],
  '-name': ['name', 'DESC'],
  popularity: ['popularity', 'DESC'],
};

/** ProductSearch::fromRequest's rules, in its order. */
export const PRODUCT_SEARCH_RULES: LaravelRuleSet = [
  ['q', ['nullable', 'string', 'max:100']],
  ['category', ['nullable', 'string', 'max:100']],
  ['sort', ['nullable', `in:${PRODUCT_SORTS.join(',')}`]],
  ['page', ['nullable', 'integer', 'min:1']],
  ['per_page', ['nullable', 'integer', 'min:1']],
];

export const DEFAULT_PER_PAGE = 15;
export const MAX_PER_PAGE = 100;

export interface ProductPage {
  items: Product[];
  total: number;
  perPage: number;
  /** A bigint: the monolith takes any page up to PHP_INT_MAX. */
  currentPage: bigint;
}

/**
 * The catalog query of the monolith (app/Shop/ProductSearch.php): case-insensitive substring of
 * name or SKU with LIKE wildcards escaped by '!', category by slug, five sorts with id as the
 * tie-breaker, Laravel's page/per_page (clamped to 100).
 */
@Injectable()
export class ProductSearch {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly gate: DatabaseGate,
    private readonly searchIndex: SqliteSearchIndex,
  ) {}

  async search(query: PhpArray): Promise<ProductPage> {
    const errors = validateLaravel(query, PRODUCT_SEARCH_RULES);
    if (errors.size > 0) throw new LaravelValidationException(errors);
    const value = (key: string) => query.get(key) as string | null | undefined;

    const perPage = Math.min(Number(value('per_page') ?? DEFAULT_PER_PAGE), MAX_PER_PAGE);
    const page = value('page');
    // Paginator::resolveCurrentPage: the validated page (an integer up to PHP_INT_MAX, never rounded), or 1.
    const currentPage = page != null ? BigInt(page) : 1n;

    return this.gate.read(async () => {
      const q = value('q');
      const slug = value('category');
      const term = q != null && q !== '' ? q.toLowerCase() : undefined;
      const categoryId = slug != null && slug !== '' ? await this.categoryId(slug) : undefined;
      // FTS5's query syntax takes no NUL (a client can send ?q=a%00b): such a term scans, as the monolith does.
      const indexed = term !== undefined && this.searchIndex.usable && [...term].length >= TRIGRAM_MIN_CHARS && !term.includes('\u0000');
      const matching = (alias: string) => {
        const builder = this.dataSource.getRepository(Product).createQueryBuilder(alias);
        if (term !== undefined) {
          const like = `%${term.replace(/[!%_]/g, (c) => `!${c}`)}%`;
          // SQLite's LIKE already ignores ASCII case and its LOWER() changes nothing else, so the
          // same rows match without calling LOWER() twice per row (about 40% of the scan's cost).
          const folded = (column: string) => (this.dataSource.options.type === 'better-sqlite3' ? column : `LOWER(${column})`);
          builder.andWhere(`(${folded(`${alias}.name`)} LIKE :like ESCAPE '!' OR ${folded(`${alias}.sku`)} LIKE :like ESCAPE '!')`, { like });
        }
        if (indexed) {
          // The trigram index folds case over all of Unicode, LIKE over ASCII only: its rows are a
          // superset of LIKE's, which still decides. A snapshot without the index's triggers may
          // miss rows in it: that one scans (the second branch, empty while they are there).
          const phrase = `"${term.replace(/"/g, '""')}"`;
          builder.andWhere(
            `${alias}.id IN (SELECT rowid FROM ${SEARCH_TABLE} WHERE ${SEARCH_TABLE} MATCH :phrase AND ${SEARCH_TRIGGERS_PRESENT}` +
              ` UNION ALL SELECT * FROM (SELECT id FROM products LIMIT CASE WHEN ${SEARCH_TRIGGERS_PRESENT} THEN 0 ELSE -1 END))`,
            { phrase },
          );
        }
        if (categoryId !== undefined) builder.andWhere(`${alias}.categoryId = :categoryId`, { categoryId });
        return builder;
      };
      const sort = value('sort') as ProductSort | null | undefined;
      const count = async () => Number((await matching('m').select('COUNT(*)', 'total').getRawOne<{ total: number | string }>())?.total ?? 0);
      if (term === undefined) {
        // Along an index (a sort column's, the category's) the count is cheap and the page stops early.
        const total = await count();
        if (total === 0) return { items: [], total, perPage, currentPage };
        const { entities } = await this.page(matching('m'), sort, perPage, currentPage, false);
        return { items: entities, total, perPage, currentPage };
      }
      // A search: the count and the page would both go through every matching row, so one query
      // answers both, the total beside each id of the page. Only a page past the end needs a count of its own.
      const { entities, raw } = await this.page(matching('m'), sort, perPage, currentPage, true);
      const total = raw.length > 0 ? Number((raw[0] as { total: number | string }).total) : await count();
      return { items: entities, total, perPage, currentPage };
    });
  }

  private async categoryId(slug: string): Promise<number> {
    const category = await this.dataSource
      .getRepository(Category)
      .createQueryBuilder('c')
      .select('c.id', 'id')
      .where('c.slug = :slug', { slug })
      .getRawOne<{ id: number }>();
    return category ? Number(category.id) : 0;
  }

  /**
   * The page's ids first, along the sort (an index-only walk where an index covers it: a deep
   * offset skips index entries, not rows), then their rows with their categories.
   */
  private async page(ids: SelectQueryBuilder<Product>, sort: ProductSort | null | undefined, perPage: number, currentPage: bigint, withTotal: boolean) {
    const offset = laravelPageOffset(currentPage, perPage);
    // No table holds 2^53 rows: such an offset is past the end on every database (and more than
    // SQLite's OFFSET takes as a bound number).
    if (offset > BigInt(Number.MAX_SAFE_INTEGER)) return { entities: [] as Product[], raw: [] as unknown[] };
    const order = (builder: SelectQueryBuilder<Product>, alias: string) => {
      if (sort) builder.orderBy(`${alias}.${SORT_COLUMNS[sort][0]}`, SORT_COLUMNS[sort][1]);
      return builder.addOrderBy(`${alias}.id`, 'ASC');
    };
    ids.select(`${ids.alias}.id`, 'id');
    if (withTotal) ids.addSelect('COUNT(*) OVER ()', 'total');
    order(ids, ids.alias);
    // Bound, not written into the SQL as limit()/offset() would: one statement per query shape,
    // prepared once, not one per page.
    const rows = this.dataSource
      .getRepository(Product)
      .createQueryBuilder('p')
      .innerJoin(`(${ids.getQuery()} LIMIT :pageLimit OFFSET :pageOffset)`, 'pg', 'pg.id = p.id')
      .setParameters({ ...ids.getParameters(), pageLimit: perPage, pageOffset: Number(offset) })
      .leftJoin('p.category', 'category')
      .addSelect(['category.id', 'category.name', 'category.slug']);
    if (withTotal) rows.addSelect('pg.total', 'total');
    return order(rows, 'p').getRawAndEntities();
  }

  async find(id: string): Promise<Product | null> {
    return this.gate.read(() =>
      this.dataSource
        .getRepository(Product)
        .createQueryBuilder('p')
        .leftJoin('p.category', 'category')
        .addSelect(['category.id', 'category.name', 'category.slug'])
        .where('p.id = :id', { id })
        .getOne(),
    );
  }
}
