/**
 * A slice's answer "the monolith must answer this request": for a request whose answer has effects
 * only the monolith can have (a Laravel session written: `url.intended` kept for a guest sent to
 * log in, errors and input flashed for a redirect back). The gateway then sends the request to the
 * monolith, as it does when a slice fails, for GET and HEAD only: the slice did nothing, so the
 * request can be sent again. Only a slice's response can ask it; the gateway drops the header from
 * what clients send and from what they get.
 */
export const DEFER_HEADER = 'x-offramp-defer';

/**
 * 421 Misdirected Request ("not able to produce a response for this request"): what a caller sees
 * only when it reached the slice without the gateway. Not a 5xx, so that no breaker counts it.
 */
export const DEFER_STATUS = 421;

/** Requests the monolith can be sent after the slice: nothing happened to them yet. */
export const DEFERRABLE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

export function canDefer(method: string | undefined): boolean {
  return method !== undefined && DEFERRABLE_METHODS.has(method);
}

/** The part of a Fastify reply the answer needs (contracts depend on no framework). */
export interface DeferringReply {
  status(code: number): DeferringReply;
  header(name: string, value: string): DeferringReply;
  send(payload?: unknown): unknown;
}

/**
 * Answers "let the monolith answer this", `reason` a token for logs (`laravel-session`). Callers
 * check `canDefer(method)` first: the gateway answers a deferred POST with a 502, never replays it.
 */
export function deferToMonolith(reply: DeferringReply, reason: string): void {
  const body = {
    type: 'about:blank',
    title: 'Misdirected Request',
    status: DEFER_STATUS,
    detail: 'this request is answered by the monolith, through the gateway',
  };
  reply
    .status(DEFER_STATUS)
    .header(DEFER_HEADER, reason)
    .header('content-type', 'application/problem+json')
    .header('cache-control', 'no-store')
    .send(JSON.stringify(body));
}
