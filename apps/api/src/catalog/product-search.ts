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
      const builder = this.dataSource.getRepository(Product).createQueryBuilder('p');
      const q = value('q');
      const slug = value('category');
      let scans = false;
      if (q != null && q !== '') {
        const term = q.toLowerCase();
        const like = `%${term.replace(/[!%_]/g, (c) => `!${c}`)}%`;
        // SQLite's LIKE already ignores ASCII case and its LOWER() changes nothing else, so the
        // same rows match without calling LOWER() twice per row (about 40% of the scan's cost).
        const folded = (column: string) => (this.dataSource.options.type === 'better-sqlite3' ? column : `LOWER(${column})`);
        builder.andWhere(`(${folded('p.name')} LIKE :like ESCAPE '!' OR ${folded('p.sku')} LIKE :like ESCAPE '!')`, { like });
        if (this.searchIndex.usable && [...term].length >= TRIGRAM_MIN_CHARS) {
          // The trigram index folds case over all of Unicode, LIKE over ASCII only: its rows are a
          // superset of LIKE's, which still decides. Without its triggers the index may miss rows:
          // that snapshot scans (the second branch).
          const phrase = `"${term.replace(/"/g, '""')}"`;
          builder.andWhere(
            `p.id IN (SELECT rowid FROM ${SEARCH_TABLE} WHERE ${SEARCH_TABLE} MATCH :phrase AND ${SEARCH_TRIGGERS_PRESENT} UNION ALL SELECT id FROM products WHERE NOT ${SEARCH_TRIGGERS_PRESENT})`,
            { phrase },
          );
        } else {
          scans = true;
        }
      }
      if (slug != null && slug !== '') {
        const category = await this.dataSource
          .getRepository(Category)
          .createQueryBuilder('c')
          .select('c.id', 'id')
          .where('c.slug = :slug', { slug })
          .getRawOne<{ id: number }>();
        builder.andWhere('p.categoryId = :categoryId', { categoryId: category ? Number(category.id) : 0 });
      }
      const sort = value('sort') as ProductSort | null | undefined;
      if (!scans) {
        // Along an index (a sort column's, the category's, the search index's) the count is cheap
        // and the page can stop early.
        const total = await builder.getCount();
        if (total === 0) return { items: [], total, perPage, currentPage };
        const { entities } = await this.page(builder, sort, perPage, currentPage, false);
        return { items: entities, total, perPage, currentPage };
      }
      // A search that scans: both Laravel queries scan every row, so one scan answers both — the
      // page and, beside each row, the total. Only a page past the end needs a count of its own.
      const countQuery = builder.clone();
      const { entities, raw } = await this.page(builder, sort, perPage, currentPage, true);
      const total = raw.length > 0 ? Number((raw[0] as { total: number | string }).total) : await countQuery.getCount();
      return { items: entities, total, perPage, currentPage };
    });
  }

  private async page(builder: SelectQueryBuilder<Product>, sort: ProductSort | null | undefined, perPage: number, currentPage: bigint, withTotal: boolean) {
    const offset = laravelPageOffset(currentPage, perPage);
    // No table holds 2^53 rows: such an offset is past the end on every database (and more than
    // SQLite's OFFSET takes as a bound number).
    if (offset > BigInt(Number.MAX_SAFE_INTEGER)) return { entities: [] as Product[], raw: [] as unknown[] };
    builder.leftJoin('p.category', 'category').addSelect(['category.id', 'category.name', 'category.slug']);
    if (withTotal) builder.addSelect('COUNT(*) OVER ()', 'total');
    if (sort) builder.orderBy(`p.${SORT_COLUMNS[sort][0]}`, SORT_COLUMNS[sort][1]);
    builder.addOrderBy('p.id', 'ASC');
    return builder.limit(perPage).offset(Number(offset)).getRawAndEntities();
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
