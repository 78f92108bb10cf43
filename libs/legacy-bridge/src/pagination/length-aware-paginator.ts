import { type PhpArray, phpBuildQuery } from '../php/php-query.js';

export interface PaginatorInput<T> {
  items: T[];
  total: number;
  perPage: number;
  currentPage: number;
  /** `$request->url()` */
  path: string;
  /** The query string minus `page` (withQueryString). */
  query: PhpArray;
}

const ON_EACH_SIDE = 3;

/**
 * LengthAwarePaginator::toArray() of Laravel 8.83, links and their window included, checked
 * against the real one (length-aware-paginator.php.spec.ts). Known differences: Laravel's
 * array_merge renumbers integer query keys in the links (`?5=x` links as `0=x`, kept as `5=x`
 * here), and it trims a trailing slash off `path` (give it `$request->url()`, which has none).
 */
export function lengthAwarePaginator<T>({ items, total, perPage, currentPage, path, query }: PaginatorInput<T>) {
  const lastPage = Math.max(Math.ceil(total / perPage), 1);
  const base = new Map(query);
  base.delete('page');
  const url = (page: number) => {
    const parameters: PhpArray = new Map(base);
    parameters.set('page', String(page <= 0 ? 1 : page));
    return `${path}${path.includes('?') ? '&' : '?'}${phpBuildQuery(parameters)}`;
  };
  const range = (start: number, end: number) => Array.from({ length: end - start + 1 }, (_, i) => start + i);
  const from = items.length > 0 ? (currentPage - 1) * perPage + 1 : null;
  const previous = currentPage > 1 ? url(currentPage - 1) : null;
  const next = currentPage < lastPage ? url(currentPage + 1) : null;

  const link = (page: number) => ({ url: url(page), label: String(page), active: currentPage === page });
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
    current_page: currentPage,
    data: items,
    first_page_url: url(1),
    from,
    last_page: lastPage,
    last_page_url: url(lastPage),
    links: [{ url: previous, label: '&laquo; Previous', active: false }, ...elements, { url: next, label: 'Next &raquo;', active: false }],
    next_page_url: next,
    path,
    per_page: perPage,
    prev_page_url: previous,
    to: from === null ? null : from + items.length - 1,
    total,
  };
}
