import { EVENT_CATALOG } from '@offramp/contracts';

/** The events partners may ask for: every shop.orders.* subject of the catalog. */
export const PARTNER_SUBJECTS = Object.keys(EVENT_CATALOG).filter((subject) => subject.startsWith('shop.orders.'));

/** `shop.orders.paid.v1`, or a NATS-style wildcard over whole tokens: `shop.orders.*` (one token per *) or `shop.orders.>`. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const wanted = pattern.split('.');
  const given = subject.split('.');
  for (let i = 0; i < wanted.length; i += 1) {
    if (wanted[i] === '>') return given.length > i;
    if (given[i] === undefined || (wanted[i] !== '*' && wanted[i] !== given[i])) return false;
  }
  return wanted.length === given.length;
}

/** `shop.orders.*` asks for every order event (two tokens after: name and version). */
export function wantsSubject(patterns: readonly string[], subject: string): boolean {
  return patterns.some((pattern) => subjectMatches(pattern, subject) || subjectMatches(`${pattern}.*`, subject));
}
