import { catalogListPaths, countMatches, LIST_SORTS, PER_PAGE, productDetailPaths, type CatalogSnapshot } from './request-list.js';

const ADJECTIVES = ['Fantastic', 'Modern', 'Rustic', 'Sleek'];
const MATERIALS = ['Metal', 'Cotton', 'Wool'];
const NOUNS = ['Gloves', 'Ball', 'Table', 'Watch', 'Pants'];
const categories = new Map([
  [1, 'books'],
  [2, 'toys'],
  [3, 'garden'],
]);
const catalog: CatalogSnapshot = {
  categories,
  products: Array.from({ length: 600 }, (_, i) => ({
    id: i + 1,
    name: `${ADJECTIVES[i % 4]} ${MATERIALS[(i >> 2) % 3]} ${NOUNS[(i * 7) % 5]}`,
    sku: `SKU-${String(i + 1).padStart(6, '0')}`,
    categoryId: (i % 3) + 1,
  })),
};

function parse(path: string) {
  const url = new URL(path, 'http://shop.test');
  return { pathname: url.pathname, params: url.searchParams };
}

describe('bench:api request list', () => {
  it('is the same list for the same seed and another for another seed', () => {
    expect(catalogListPaths(catalog, 200, 7)).toEqual(catalogListPaths(catalog, 200, 7));
    expect(catalogListPaths(catalog, 200, 7)).not.toEqual(catalogListPaths(catalog, 200, 8));
    expect(productDetailPaths(catalog, 50, 7)).toEqual(productDetailPaths(catalog, 50, 7));
  });

  it('draws list requests that the monolith accepts and that hold products', () => {
    const paths = catalogListPaths(catalog, 500, 42);
    expect(paths).toHaveLength(500);
    const words = new Set(catalog.products.flatMap((p) => p.name.toLowerCase().split(' ')));
    for (const path of paths) {
      const { pathname, params } = parse(path);
      expect(pathname).toBe('/api/products');
      expect([...params.keys()].every((key) => ['q', 'category', 'sort', 'page'].includes(key))).toBe(true);
      const q = params.get('q') ?? undefined;
      const category = params.get('category') ?? undefined;
      if (q !== undefined)
        expect(
          q
            .toLowerCase()
            .split(' ')
            .every((part) => [...words].some((word) => word.includes(part))),
        ).toBe(true);
      if (category !== undefined) expect([...categories.values()]).toContain(category);
      expect(LIST_SORTS).toContain(params.get('sort') ?? undefined);
      const page = Number(params.get('page') ?? '1');
      expect(Number.isInteger(page) && page >= 1).toBe(true);
      // The page exists: the request answers products, not an empty page.
      expect((page - 1) * PER_PAGE).toBeLessThan(countMatches(catalog, q, category));
    }
  });

  it('mixes searches, categories, sorts and pages', () => {
    const paths = catalogListPaths(catalog, 500, 42).map(parse);
    const share = (test: (params: URLSearchParams) => boolean) => paths.filter(({ params }) => test(params)).length / paths.length;
    expect(share((p) => p.has('q'))).toBeGreaterThan(0.4);
    expect(share((p) => p.has('category'))).toBeGreaterThan(0.2);
    expect(share((p) => p.has('q') && p.has('category'))).toBeGreaterThan(0.05);
    expect(share((p) => !p.has('q') && !p.has('category'))).toBeGreaterThan(0.1);
    expect(share((p) => p.get('q')?.includes(' ') ?? false)).toBeGreaterThan(0.02);
    expect(share((p) => Number(p.get('page') ?? 1) > 5)).toBeGreaterThan(0.02);
    expect(new Set(paths.map(({ params }) => params.get('sort'))).size).toBe(LIST_SORTS.length);
  });

  it('counts matches as the monolith filters: name or SKU, case-insensitive, within the category', () => {
    expect(countMatches(catalog, undefined, undefined)).toBe(600);
    expect(countMatches(catalog, undefined, 'toys')).toBe(200);
    expect(countMatches(catalog, 'sku-00000', undefined)).toBe(9);
    expect(countMatches(catalog, 'FANTASTIC', 'books')).toBe(countMatches(catalog, 'fantastic', 'books'));
    expect(countMatches(catalog, 'no such thing', undefined)).toBe(0);
  });

  it('asks for existing products only', () => {
    const ids = new Set(catalog.products.map((p) => p.id));
    const paths = productDetailPaths(catalog, 300, 1);
    expect(paths.every((path) => /^\/api\/products\/\d+$/.test(path) && ids.has(Number(path.split('/').pop())))).toBe(true);
    expect(new Set(paths).size).toBeGreaterThan(200);
    expect(() => productDetailPaths({ products: [], categories }, 1, 1)).toThrow(/seed the database/);
  });
});
