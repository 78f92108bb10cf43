import { catalogDifference } from './catalog-snapshot.js';
import type { CatalogSnapshot } from './request-list.js';

const catalog = (names: string[], slugs = ['books', 'toys']): CatalogSnapshot => ({
  products: names.map((name, i) => ({ id: i + 1, name, sku: `SKU-${i + 1}`, categoryId: (i % slugs.length) + 1 })),
  categories: new Map(slugs.map((slug, i) => [i + 1, slug] as const)),
});

describe('bench:api catalog snapshots', () => {
  it('are the same when ids, names, SKUs and categories are', () => {
    expect(catalogDifference(catalog(['Sleek Ball', 'Rustic Table']), catalog(['Sleek Ball', 'Rustic Table']))).toBeUndefined();
  });

  it('name the first difference', () => {
    expect(catalogDifference(catalog(['Sleek Ball']), catalog(['Sleek Ball', 'Rustic Table']))).toBe('1 products against 2');
    expect(catalogDifference(catalog(['Sleek Ball', 'Rustic Table']), catalog(['Sleek Ball', 'Modern Table']))).toMatch(
      /^product #2: .*Rustic Table.*Modern Table/,
    );
    expect(catalogDifference(catalog(['Sleek Ball'], ['books', 'toys']), catalog(['Sleek Ball'], ['toys', 'books']))).toMatch(/^categories/);
  });
});
