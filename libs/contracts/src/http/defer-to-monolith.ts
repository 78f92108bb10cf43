/**
 * A slice's mark on its own answer: "the monolith's answer to this request is the right one".
 * For a request whose answer has effects only the monolith can have (a Laravel session written:
 * `url.intended` kept for a guest sent to log in, errors and input flashed for a redirect back),
 * the slice answers as best it can without them, and marks that answer deferrable. The gateway
 * then sends the request to the monolith, as it does when a slice fails, where it can: GET and
 * HEAD (the slice did nothing, so the request can be sent again) with their body kept, on a route
 * the monolith still serves. Elsewhere (another method, a retired route, a caller that reached
 * the slice without the gateway) the slice's own answer stands. Only a slice's response can carry
 * the mark; the gateway drops the header from what clients send and from what they get.
 */
export const DEFER_HEADER = 'x-offramp-defer';

/** Requests the monolith can be sent after the slice: nothing happened to them yet. */
export const DEFERRABLE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

export function canDefer(method: string | undefined): boolean {
  return method !== undefined && DEFERRABLE_METHODS.has(method);
}

/** The part of a Fastify reply the mark needs (contracts depend on no framework). */
export interface DeferringReply {
  header(name: string, value: string): unknown;
}

/**
 * Marks the answer about to be sent as deferrable to the monolith; `reason` is a token for logs
 * (`laravel-session`). The caller still sends its own, complete answer.
 */
export function markDeferrable(reply: DeferringReply, reason: string): void {
  reply.header(DEFER_HEADER, reason);
}
