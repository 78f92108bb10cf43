import { LEGACY_LANG, runPhp } from '../__fixtures__/php-cli.js';
import { parsePhpQuery } from '../php/php-query.js';
import { phpJson } from '../php/php-json.js';
import { laravelPageOffset, lengthAwarePaginator } from './length-aware-paginator.js';

interface PageCase {
  total: number;
  perPage: number;
  currentPage: number;
  path: string;
  /** The request's query string; the paginator keeps all of it but `page` (withQueryString). */
  query: string;
}

const PATH = 'http://shop.test/api/products';

// Every branch of UrlWindow (small slider below 14 pages; close to the start, to the end, full
// slider), the first and last page, a page past the end, empty results, and query strings with
// arrays, nulls and characters rawurlencode escapes.
const CASES: PageCase[] = [
  { total: 0, perPage: 15, currentPage: 1, path: PATH, query: '' },
  { total: 5, perPage: 15, currentPage: 1, path: PATH, query: 'q=phone' },
  { total: 195, perPage: 15, currentPage: 13, path: PATH, query: 'sort=-price&page=13' },
  { total: 210, perPage: 15, currentPage: 1, path: PATH, query: '' },
  { total: 210, perPage: 15, currentPage: 7, path: PATH, query: 'page=7&q=a%20b' },
  { total: 210, perPage: 15, currentPage: 8, path: PATH, query: '' },
  { total: 210, perPage: 15, currentPage: 14, path: PATH, query: '' },
  { total: 1500, perPage: 15, currentPage: 50, path: PATH, query: 'category=audio&q=&per_page=15' },
  { total: 1500, perPage: 15, currentPage: 93, path: PATH, query: '' },
  { total: 1500, perPage: 15, currentPage: 94, path: PATH, query: '' },
  { total: 1500, perPage: 15, currentPage: 100, path: PATH, query: 'f[a][]=1&f[a][]=2&f[b]=x' },
  { total: 1500, perPage: 15, currentPage: 101, path: PATH, query: '' },
  { total: 31, perPage: 10, currentPage: 2, path: 'https://shop.test:8443/api/products', query: 'q=caf%C3%A9+%26+t%C3%A9&x~y=*' },
  { total: 31, perPage: 10, currentPage: 2, path: 'http://shop.test/search?lang=en', query: 'q=x' },
];

const itemsOf = ({ total, perPage, currentPage }: PageCase) =>
  Array.from({ length: Math.max(0, Math.min(perPage, total - (currentPage - 1) * perPage)) }, (_, index) => ({
    id: (currentPage - 1) * perPage + index + 1,
    name: `Product/${index}`,
  }));

describe("Laravel's LengthAwarePaginator as response()->json renders it", () => {
  it('is byte for byte the real paginator with the monolith translations', () => {
    const php = runPhp<string[]>(
      `$container = new Illuminate\\Container\\Container();
      Illuminate\\Container\\Container::setInstance($container);
      $container->instance('translator', new Illuminate\\Translation\\Translator(new Illuminate\\Translation\\FileLoader(new Illuminate\\Filesystem\\Filesystem(), ${JSON.stringify(LEGACY_LANG)}), 'en'));
      return array_map(function (array $case) {
          parse_str($case['query'], $query);
          $query = array_map(fn ($value) => $value === '' ? null : $value, $query); // ConvertEmptyStringsToNull, one level deep is enough here
          $paginator = new Illuminate\\Pagination\\LengthAwarePaginator($case['items'], $case['total'], $case['perPage'], $case['currentPage'], ['path' => $case['path']]);
          $paginator->appends($query); // withQueryString(): every parameter but the page
          return (new Illuminate\\Http\\JsonResponse())->setData($paginator)->getContent();
      }, $input);`,
      CASES.map((page) => ({ ...page, items: itemsOf(page) })),
      { laravel: true },
    );
    const ours = CASES.map((page) => phpJson(lengthAwarePaginator({ ...page, items: itemsOf(page), query: parsePhpQuery(page.query) })));
    for (let index = 0; index < CASES.length; index++) expect({ case: CASES[index], json: ours[index] }).toEqual({ case: CASES[index], json: php[index] });
  });

  it('links pages by the query string minus page, page last', () => {
    const page = lengthAwarePaginator({ items: [1], total: 30, perPage: 15, currentPage: 2, path: PATH, query: parsePhpQuery('page=2&q=x&empty=') });
    expect(page.prev_page_url).toBe(`${PATH}?q=x&page=1`);
    expect(page.next_page_url).toBeNull();
    expect(page.links.map((link) => link.label)).toEqual(['&laquo; Previous', '1', '2', 'Next &raquo;']);
    expect(page.links.filter((link) => link.active).map((link) => link.label)).toEqual(['2']);
  });

  // ?page= takes any integer up to PHP_INT_MAX; PHP's arithmetic overflows to floats from there.
  const HUGE: Array<{ page: string; perPage: number; total: number; items: number }> = [
    { page: '9223372036854775807', perPage: 1, total: 50, items: 0 },
    { page: '9007199254740993', perPage: 15, total: 50, items: 0 },
    { page: '4611686018427387905', perPage: 4, total: 50, items: 4 }, // the offset wraps round to 0
  ];

  it('keeps a page beyond 2^53 exact, and renders the overflowed firstItem/lastItem as PHP floats', () => {
    const php = runPhp<string[]>(
      `$container = new Illuminate\\Container\\Container();
      Illuminate\\Container\\Container::setInstance($container);
      $container->instance('translator', new Illuminate\\Translation\\Translator(new Illuminate\\Translation\\FileLoader(new Illuminate\\Filesystem\\Filesystem(), ${JSON.stringify(LEGACY_LANG)}), 'en'));
      return array_map(function (array $case) {
          $paginator = new Illuminate\\Pagination\\LengthAwarePaginator(array_fill(0, $case['items'], 1), $case['total'], $case['perPage'], (int) $case['page'], ['path' => ${JSON.stringify(PATH)}]);
          return (new Illuminate\\Http\\JsonResponse())->setData($paginator)->getContent();
      }, $input);`,
      HUGE,
      { laravel: true },
    );
    const ours = HUGE.map(({ page, perPage, total, items }) =>
      phpJson(lengthAwarePaginator({ items: Array(items).fill(1), total, perPage, currentPage: BigInt(page), path: PATH, query: new Map() })),
    );
    expect(ours).toEqual(php);
  });

  it("computes Builder::forPage's offset as PHP does (integer overflow to float, (int) wrapping, never negative)", () => {
    const pages: Array<[page: string, perPage: number]> = [
      ['1', 15],
      ['2', 15],
      ['9007199254740993', 15],
      ['4611686018427387905', 4],
      ['614891469123651721', 15],
      ['9223372036854775807', 15],
      ['9223372036854775807', 100],
    ];
    const php = runPhp<string[]>(`return array_map(fn ($case) => (string) max(0, (int) (((int) $case[0] - 1) * $case[1])), $input);`, pages);
    expect(pages.map(([page, perPage]) => laravelPageOffset(BigInt(page), perPage).toString())).toEqual(php);
  });
});
