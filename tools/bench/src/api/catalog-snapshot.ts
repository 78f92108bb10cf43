import { DataSource } from 'typeorm';
import { createDataSourceOptions } from '@offramp/persistence';
import type { CatalogSnapshot, CatalogProduct } from './request-list.js';

const PRODUCTS = 'SELECT id, name, sku, category_id FROM products ORDER BY id';
// In id order: the request lists pick categories by position, so every engine must list them alike.
const CATEGORIES = 'SELECT id, slug FROM categories ORDER BY id';

type ProductRow = { id: number | string; name: string; sku: string; category_id: number | string };
type CategoryRow = { id: number | string; slug: string };

function snapshot(products: ProductRow[], categories: CategoryRow[]): CatalogSnapshot {
  return {
    products: products.map((p): CatalogProduct => ({ id: Number(p.id), name: p.name, sku: p.sku, categoryId: Number(p.category_id) })),
    categories: new Map(categories.map((c) => [Number(c.id), c.slug] as const)),
  };
}

/** The seeded products and categories of any DATABASE_URL (SQLite, MariaDB, PostgreSQL), read once through TypeORM, to draw requests from. */
export async function readCatalogAt(databaseUrl: string): Promise<CatalogSnapshot> {
  const db = new DataSource(createDataSourceOptions({ url: databaseUrl, poolSize: 1 }));
  await db.initialize();
  try {
    return snapshot((await db.query(PRODUCTS)) as ProductRow[], (await db.query(CATEGORIES)) as CategoryRow[]);
  } finally {
    await db.destroy();
  }
}

/** The first difference between two snapshots (ids, names, SKUs, categories), or undefined when they are the same. */
export function catalogDifference(a: CatalogSnapshot, b: CatalogSnapshot): string | undefined {
  if (a.products.length !== b.products.length) return `${a.products.length} products against ${b.products.length}`;
  for (let i = 0; i < a.products.length; i++) {
    const [x, y] = [a.products[i], b.products[i]];
    if (x.id !== y.id || x.name !== y.name || x.sku !== y.sku || x.categoryId !== y.categoryId)
      return `product #${i + 1}: ${JSON.stringify(x)} against ${JSON.stringify(y)}`;
  }
  const [ca, cb] = [[...a.categories], [...b.categories]];
  if (JSON.stringify(ca) !== JSON.stringify(cb)) return `categories ${JSON.stringify(ca)} against ${JSON.stringify(cb)}`;
  return undefined;
}
