import Database from 'better-sqlite3';
import type { CatalogSnapshot, CatalogProduct } from './request-list.js';

/** The seeded products and categories, read once from the SQLite file, to draw requests from. */
export function readCatalog(file: string): CatalogSnapshot {
  const db = new Database(file, { readonly: true });
  try {
    const products = (db.prepare('SELECT id, name, sku, category_id AS categoryId FROM products ORDER BY id').all() as CatalogProduct[]).map((p) => ({
      ...p,
      id: Number(p.id),
      categoryId: Number(p.categoryId),
    }));
    const categories = new Map(
      (db.prepare('SELECT id, slug FROM categories').all() as Array<{ id: number; slug: string }>).map((c) => [Number(c.id), c.slug] as const),
    );
    return { products, categories };
  } finally {
    db.close();
  }
}
