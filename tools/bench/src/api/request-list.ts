// The request mix of bench:api, drawn once from the seeded catalog and sent alike to the monolith
// and to the api slice: searches, categories, sorts and pages that exist, and existing products.
import { seededRandom } from '@offramp/testing';

export interface CatalogProduct {
  id: number;
  name: string;
  sku: string;
  categoryId: number;
}

export interface CatalogSnapshot {
  products: CatalogProduct[];
  /** Category id → slug. */
  categories: Map<number, string>;
}

/** The sorts the catalog accepts (undefined: the default, id ascending). */
export const LIST_SORTS = [undefined, 'price', '-price', 'name', '-name', 'popularity'] as const;
/** The monolith's default page size (the lists leave per_page out). */
export const PER_PAGE = 15;

/** How many products a list request matches: the monolith's rule (case-insensitive substring of name or SKU, category slug). */
export function countMatches(catalog: CatalogSnapshot, q: string | undefined, category: string | undefined): number {
  const needle = q?.toLowerCase();
  let count = 0;
  for (const product of catalog.products) {
    if (category !== undefined && catalog.categories.get(product.categoryId) !== category) continue;
    if (needle !== undefined && !product.name.toLowerCase().includes(needle) && !product.sku.toLowerCase().includes(needle)) continue;
    count++;
  }
  return count;
}

/**
 * `count` GET /api/products URLs: a search term from product names (one word, in any case, or
 * two adjacent words), a category, both or neither; one of the sorts; a page that holds products
 * (mostly the first ones, as people browse). Every request matches at least one product.
 */
export function catalogListPaths(catalog: CatalogSnapshot, count: number, seed: number): string[] {
  if (catalog.products.length === 0) throw new Error('the catalog has no products: seed the database first');
  const random = seededRandom(seed);
  const slugs = [...new Set(catalog.categories.values())];
  const term = (): string => {
    const words = random.pick(catalog.products).name.split(' ');
    const start = random.int(0, words.length - 1);
    if (random.next() < 0.25 && start < words.length - 1) return `${words[start]} ${words[start + 1]}`;
    const word = words[start];
    return random.pick([word, word.toLowerCase(), word.toUpperCase(), word.slice(0, Math.max(3, word.length - 2))]);
  };
  const paths: string[] = [];
  const matches = new Map<string, number>();
  while (paths.length < count) {
    const shape = random.next();
    const q = shape < 0.6 ? term() : undefined;
    const category = shape >= 0.4 && shape < 0.8 ? random.pick(slugs) : undefined;
    const key = `${q ?? ''}\u0000${category ?? ''}`;
    const matching = matches.get(key) ?? countMatches(catalog, q, category);
    matches.set(key, matching);
    const lastPage = Math.ceil(matching / PER_PAGE);
    if (lastPage === 0) continue; // a search with no result is cheap for both sides: draw another
    const roll = random.next();
    const page = roll < 0.5 ? 1 : roll < 0.8 ? random.int(1, Math.min(5, lastPage)) : random.int(1, lastPage);
    const sort = random.pick(LIST_SORTS);
    const params: string[] = [];
    if (q !== undefined) params.push(`q=${encodeURIComponent(q)}`);
    if (category !== undefined) params.push(`category=${category}`);
    if (sort !== undefined) params.push(`sort=${sort}`);
    if (page > 1) params.push(`page=${page}`);
    paths.push(`/api/products${params.length ? `?${params.join('&')}` : ''}`);
  }
  return paths;
}

/** `count` GET /api/products/{id} URLs of existing products, uniformly drawn. */
export function productDetailPaths(catalog: CatalogSnapshot, count: number, seed: number): string[] {
  if (catalog.products.length === 0) throw new Error('the catalog has no products: seed the database first');
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => `/api/products/${random.pick(catalog.products).id}`);
}
