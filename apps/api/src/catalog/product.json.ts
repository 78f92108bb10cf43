import { laravelDate } from '@offramp/legacy-bridge';

/** A products row with its category's columns (null without one), as ProductSearch selects it. */
export interface ProductRow {
  id: number | string;
  category_id: number | string;
  sku: string;
  name: string;
  slug: string;
  description: string;
  price_cents: number | string;
  currency: string;
  stock: number | string;
  popularity: number | string;
  created_at: unknown;
  updated_at: unknown;
  category__id: number | string | null;
  category__name: string | null;
  category__slug: string | null;
  /** The search's total, beside each row of its page. */
  total?: number | string;
}

/** Product entity properties and the names ProductRow gives their columns (id aside). */
export const PRODUCT_COLUMNS = [
  ['categoryId', 'category_id'],
  ['sku', 'sku'],
  ['name', 'name'],
  ['slug', 'slug'],
  ['description', 'description'],
  ['priceCents', 'price_cents'],
  ['currency', 'currency'],
  ['stock', 'stock'],
  ['popularity', 'popularity'],
  ['createdAt', 'created_at'],
  ['updatedAt', 'updated_at'],
] as const;

/**
 * Eloquent's toArray() of `Product::with('category:id,name,slug')`: every column in table order
 * with the model's integer casts, then the relation (null when the category row is missing).
 * Bigints come as strings from MariaDB and PostgreSQL, datetimes as strings or (mysql2) Dates.
 */
export function productJson(row: ProductRow) {
  return {
    id: Number(row.id),
    category_id: Number(row.category_id),
    sku: row.sku,
    name: row.name,
    slug: row.slug,
    description: row.description,
    price_cents: Number(row.price_cents),
    currency: row.currency,
    stock: Number(row.stock),
    popularity: Number(row.popularity),
    created_at: laravelDate(row.created_at),
    updated_at: laravelDate(row.updated_at),
    category: row.category__id != null ? { id: Number(row.category__id), name: row.category__name, slug: row.category__slug } : null,
  };
}

export type ProductJson = ReturnType<typeof productJson>;
