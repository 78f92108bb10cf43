import { phpJsonFloat } from '../php/php-json.js';
import { type PhpArray, phpBuildQuery } from '../php/php-query.js';

export interface PaginatorInput<T> {
  items: T[];
  total: number;
  perPage: number;
  /** A bigint beyond 2^53: PHP's page reaches PHP_INT_MAX (`?page=9223372036854775807` is valid). */
  currentPage: number | bigint;
  /** `$request->url()` */
  path: string;
  /** The query string minus `page` (withQueryString). */
  query: PhpArray;
}

const ON_EACH_SIDE = 3;
const INT64_MAX = 9223372036854775807n;

/**
 * Builder::forPage's offset: `max(0, (int) (($page - 1) * $perPage))`. PHP's integer product
 * overflows to a float, and `(int)` of a float beyond PHP_INT_MAX wraps modulo 2^64 (PHP 8 on 64-bit),
 * so a huge page can land on a small offset again; a negative one is 0.
 */
export function laravelPageOffset(page: number | bigint, perPage: number): bigint {
  const before = BigInt(page) - 1n;
  const exact = before * BigInt(perPage);
  const product = exact <= INT64_MAX && exact >= -INT64_MAX - 1n ? exact : BigInt.asIntN(64, BigInt(Math.trunc(Number(before) * perPage)));
  return product < 0n ? 0n : product;
}

/**
 * LengthAwarePaginator::toArray() of Laravel 8.83, links and their window included, checked
 * against the real one (length-aware-paginator.php.spec.ts). Known differences: Laravel's
 * array_merge renumbers integer query keys in the links (`?5=x` links as `0=x`, kept as `5=x`
 * here), and it trims a trailing slash off `path` (give it `$request->url()`, which has none).
 */
export function lengthAwarePaginator<T>({ items, total, perPage, currentPage: givenPage, path, query }: PaginatorInput<T>) {
  const lastPage = Math.max(Math.ceil(total / perPage), 1);
  const page = BigInt(givenPage);
  // Beyond the last page (a huge one included) only the previous link needs the page itself.
  const currentPage = page <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(page) : Number.MAX_SAFE_INTEGER;
  const base = new Map(query);
  base.delete('page');
  const url = (target: number | bigint) => {
    const parameters: PhpArray = new Map(base);
    parameters.set('page', String(target <= 0 ? 1 : target));
    return `${path}${path.includes('?') ? '&' : '?'}${phpBuildQuery(parameters)}`;
  };
  const range = (start: number, end: number) => Array.from({ length: end - start + 1 }, (_, i) => start + i);
  // firstItem() and lastItem() in PHP arithmetic: beyond PHP_INT_MAX they are floats (a huge page
  // whose offset wrapped round to rows that exist).
  const exactFrom = (page - 1n) * BigInt(perPage) + 1n;
  const fromOverflows = exactFrom > INT64_MAX;
  const from = items.length === 0 ? null : fromOverflows ? Number(page - 1n) * perPage + 1 : phpInteger(exactFrom);
  const previous = page > 1n ? url(page - 1n) : null;
  const next = currentPage < lastPage ? url(currentPage + 1) : null;

  const link = (target: number) => ({ url: url(target), label: String(target), active: page === BigInt(target) });
  const dots = { url: null, label: '...', active: false };
  const elements: Array<typeof dots | ReturnType<typeof link>> = [];
  const window = ON_EACH_SIDE + 4;
  if (lastPage < ON_EACH_SIDE * 2 + 8) {
    elements.push(...range(1, lastPage).map(link));
  } else if (currentPage <= window) {
    elements.push(...range(1, window + ON_EACH_SIDE).map(link), dots, ...range(lastPage - 1, lastPage).map(link));
  } else if (currentPage > lastPage - window) {
    elements.push(...range(1, 2).map(link), dots, ...range(lastPage - (window + (ON_EACH_SIDE - 1)), lastPage).map(link));
  } else {
    elements.push(
      ...range(1, 2).map(link),
      dots,
      ...range(currentPage - ON_EACH_SIDE, currentPage + ON_EACH_SIDE).map(link),
      dots,
      ...range(lastPage - 1, lastPage).map(link),
    );
  }

  return {
    current_page: phpInteger(page),
    data: items,
    first_page_url: url(1),
    from: fromOverflows && from !== null ? phpJsonFloat(from as number) : from,
    last_page: lastPage,
    last_page_url: url(lastPage),
    links: [{ url: previous, label: '&laquo; Previous', active: false }, ...elements, { url: next, label: 'Next &raquo;', active: false }],
    next_page_url: next,
    path,
    per_page: perPage,
    prev_page_url: previous,
    to: from === null ? null : fromOverflows ? phpJsonFloat((from as number) + items.length - 1) : phpInteger(BigInt(from) + BigInt(items.length) - 1n),
    total,
  };
}

/** A number where it is exact, else the bigint (phpJson writes it as the integer). */
function phpInteger(value: bigint): number | bigint {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value;
}
