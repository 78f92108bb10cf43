import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { laravelPageOffset, type LaravelRuleSet, type PhpArray, validateLaravel } from '@offramp/legacy-bridge';
import { LaravelValidationException } from '@offramp/legacy-bridge/nest';
import { DatabaseGate } from '@offramp/persistence';
import { Category } from './category.entity.js';
import { Product } from './product.entity.js';
import { PRODUCT_COLUMNS, productJson, type ProductJson, type ProductRow } from './product.json.js';
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
  items: ProductJson[];
  total: number;
  perPage: number;
  /** A bigint: the monolith takes any page up to PHP_INT_MAX. */
  currentPage: bigint;
}

type Parameters = Record<string, unknown>;

/** What decides a search's SQL (its values aside). */
interface SearchShape {
  searched: boolean;
  indexed: boolean;
  inCategory: boolean;
}

const shapeKey = (shape: SearchShape) => `${shape.searched} ${shape.indexed} ${shape.inCategory}`;

/**
 * The catalog query of the monolith (app/Shop/ProductSearch.php): case-insensitive substring of
 * name or SKU with LIKE wildcards escaped by '!', category by slug, five sorts with id as the
 * tie-breaker, Laravel's page/per_page (clamped to 100).
 *
 * Each query shape (a search or not, the index or the scan, a category or not, the sort) is built
 * with TypeORM's query builder once and kept as SQL; a request binds its values to it and reads
 * plain rows, which productJson turns into Eloquent's JSON. Building the SQL and hydrating
 * entities for each request took about a quarter of a list request's CPU.
 */
@Injectable()
export class ProductSearch {
  private readonly statements = new Map<string, string>();

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
      const sort = (value('sort') as ProductSort | null | undefined) ?? undefined;
      const parameters: Parameters = {};
      if (term !== undefined) parameters.like = `%${term.replace(/[!%_]/g, (c) => `!${c}`)}%`;
      if (indexed) parameters.phrase = `"${term.replace(/"/g, '""')}"`;
      if (categoryId !== undefined) parameters.categoryId = categoryId;
      const shape: SearchShape = { searched: term !== undefined, indexed, inCategory: categoryId !== undefined };
      const count = async () => {
        const [row] = await this.rows(`count ${shapeKey(shape)}`, () => this.matching('m', shape).select('COUNT(*)', 'total'), parameters);
        return Number((row as { total?: number | string } | undefined)?.total ?? 0);
      };
      if (term === undefined) {
        // Along an index (a sort column's, the category's) the count is cheap and the page stops early.
        const total = await count();
        if (total === 0) return { items: [], total, perPage, currentPage };
        const rows = await this.page(shape, sort, perPage, currentPage, false, parameters);
        return { items: rows.map(productJson), total, perPage, currentPage };
      }
      // A search: the count and the page would both go through every matching row, so one query
      // answers both, the total beside each id of the page. Only a page past the end needs a count of its own.
      const rows = await this.page(shape, sort, perPage, currentPage, true, parameters);
      const total = rows.length > 0 ? Number(rows[0].total) : await count();
      return { items: rows.map(productJson), total, perPage, currentPage };
    });
  }

  async find(id: string): Promise<ProductJson | null> {
    return this.gate.read(async () => {
      const [row] = await this.rows('find', () => this.withCategory(this.products('p')).where('p.id = :id'), { id });
      return row ? productJson(row) : null;
    });
  }

  /** The products matching a search shape; its values are bound as :like, :phrase and :categoryId. */
  private matching(alias: string, shape: SearchShape): SelectQueryBuilder<Product> {
    const builder = this.products(alias);
    if (shape.searched) {
      // SQLite's LIKE already ignores ASCII case and its LOWER() changes nothing else, so the
      // same rows match without calling LOWER() twice per row (about 40% of the scan's cost).
      const folded = (column: string) => (this.dataSource.options.type === 'better-sqlite3' ? column : `LOWER(${column})`);
      builder.andWhere(`(${folded(`${alias}.name`)} LIKE :like ESCAPE '!' OR ${folded(`${alias}.sku`)} LIKE :like ESCAPE '!')`);
    }
    if (shape.indexed) {
      // The trigram index folds case over all of Unicode, LIKE over ASCII only: its rows are a
      // superset of LIKE's, which still decides. A snapshot without the index's triggers may
      // miss rows in it: that one scans (the second branch, empty while they are there).
      builder.andWhere(
        `${alias}.id IN (SELECT rowid FROM ${SEARCH_TABLE} WHERE ${SEARCH_TABLE} MATCH :phrase AND ${SEARCH_TRIGGERS_PRESENT}` +
          ` UNION ALL SELECT * FROM (SELECT id FROM products LIMIT CASE WHEN ${SEARCH_TRIGGERS_PRESENT} THEN 0 ELSE -1 END))`,
      );
    }
    if (shape.inCategory) builder.andWhere(`${alias}.categoryId = :categoryId`);
    return builder;
  }

  private async categoryId(slug: string): Promise<number> {
    const [category] = await this.rows(
      'category',
      () => this.dataSource.getRepository(Category).createQueryBuilder('c').select('c.id', 'id').where('c.slug = :slug'),
      { slug },
    );
    return category ? Number(category.id) : 0;
  }

  /**
   * The page's ids first, along the sort (an index-only walk where an index covers it: a deep
   * offset skips index entries, not rows), then their rows with their categories.
   */
  private async page(
    shape: SearchShape,
    sort: ProductSort | undefined,
    perPage: number,
    currentPage: bigint,
    withTotal: boolean,
    parameters: Parameters,
  ): Promise<ProductRow[]> {
    const offset = laravelPageOffset(currentPage, perPage);
    // No table holds 2^53 rows: such an offset is past the end on every database (and more than
    // SQLite's OFFSET takes as a bound number).
    if (offset > BigInt(Number.MAX_SAFE_INTEGER)) return [];
    const order = (builder: SelectQueryBuilder<Product>, alias: string) => {
      if (sort) builder.orderBy(`${alias}.${SORT_COLUMNS[sort][0]}`, SORT_COLUMNS[sort][1]);
      return builder.addOrderBy(`${alias}.id`, 'ASC');
    };
    const build = () => {
      const ids = this.matching('m', shape).select('m.id', 'id');
      if (withTotal) ids.addSelect('COUNT(*) OVER ()', 'total');
      order(ids, 'm');
      // Bound, not written into the SQL as limit()/offset() would: one statement per query shape,
      // prepared once, not one per page.
      const rows = this.withCategory(this.products('p')).innerJoin(`(${ids.getQuery()} LIMIT :pageLimit OFFSET :pageOffset)`, 'pg', 'pg.id = p.id');
      if (withTotal) rows.addSelect('pg.total', 'total');
      return order(rows, 'p');
    };
    return this.rows(`page ${shapeKey(shape)} ${sort ?? ''} ${withTotal}`, build, { ...parameters, pageLimit: perPage, pageOffset: Number(offset) });
  }

  private products(alias: string): SelectQueryBuilder<Product> {
    return this.dataSource.getRepository(Product).createQueryBuilder(alias);
  }

  /** Every column productJson reads, named as ProductRow names them. */
  private withCategory(builder: SelectQueryBuilder<Product>): SelectQueryBuilder<Product> {
    builder.select(`${builder.alias}.id`, 'id');
    for (const [property, column] of PRODUCT_COLUMNS) builder.addSelect(`${builder.alias}.${property}`, column);
    return builder
      .leftJoin(`${builder.alias}.category`, 'category')
      .addSelect('category.id', 'category__id')
      .addSelect('category.name', 'category__name')
      .addSelect('category.slug', 'category__slug');
  }

  /** The rows of one query shape: its SQL built on first use and kept, the request's values bound to it. */
  private async rows(shape: string, build: () => SelectQueryBuilder<Product> | SelectQueryBuilder<Category>, parameters: Parameters): Promise<ProductRow[]> {
    let sql = this.statements.get(shape);
    if (sql === undefined) {
      sql = build().getQuery();
      this.statements.set(shape, sql);
    }
    const [query, values] = this.dataSource.driver.escapeQueryWithParameters(sql, parameters);
    return (await this.dataSource.query(query, values)) as ProductRow[];
  }
}
