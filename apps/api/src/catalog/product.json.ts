import type { Product } from './product.entity.js';

/**
 * Eloquent's toArray() of `Product::with('category:id,name,slug')`: every column in table order
 * with the model's integer casts, then the relation (null when the category row is missing).
 */
export function productJson(product: Product) {
  return {
    id: Number(product.id),
    category_id: Number(product.categoryId),
    sku: product.sku,
    name: product.name,
    slug: product.slug,
    description: product.description,
    price_cents: Number(product.priceCents),
    currency: product.currency,
    stock: Number(product.stock),
    popularity: Number(product.popularity),
    created_at: product.createdAt,
    updated_at: product.updatedAt,
    category: product.category ? { id: Number(product.category.id), name: product.category.name, slug: product.category.slug } : null,
  };
}

export type ProductJson = ReturnType<typeof productJson>;
