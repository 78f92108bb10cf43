import type { PhpArray } from '@offramp/legacy-bridge';
import type { ProductPage } from '../product-search.js';

/** A catalog request's query as the controller hands it to ProductSearch; undefined entries left out. */
export const searchQuery = (entries: Record<string, string | undefined>): PhpArray =>
  new Map(Object.entries(entries).filter((entry): entry is [string, string] => entry[1] !== undefined));

/** What two searches must agree on: the total and the page's ids in order. */
export const searchAnswer = (page: ProductPage) => ({ total: page.total, ids: page.items.map((product) => product.id) });
