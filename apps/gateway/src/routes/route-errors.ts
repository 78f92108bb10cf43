import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';

/**
 * Why a change to the route table was not made. Callers tell the cases apart by class (or
 * `code`), never by the message, which is written for people; the admin API maps each class to
 * its HTTP answer in one place (admin/route-error.filter.ts).
 */
export abstract class RouteLifecycleError extends Error {
  abstract readonly code: string;
}

/** No route with this id in the table. */
export class RouteNotFound extends RouteLifecycleError {
  readonly code = 'ROUTE_NOT_FOUND';

  constructor(readonly id: string) {
    super(`no route "${id}"; see "offramp routes list"`);
    this.name = 'RouteNotFound';
  }
}

/** The route may not move on: its shadow evidence falls short (without force), it is in the last state already, or it stays on the monolith (legacyOnly). */
export class PromotionRefused extends RouteLifecycleError {
  readonly code = 'PROMOTION_REFUSED';

  constructor(
    readonly id: string,
    readonly reason: 'shadow-evidence' | 'last-state' | 'legacy-only',
    message: string,
  ) {
    super(message);
    this.name = 'PromotionRefused';
  }
}

/** The route, as given, is not one the table can hold; `field` names what is wrong (`service`, `path`, …). */
export class InvalidRoute extends RouteLifecycleError {
  readonly code = 'INVALID_ROUTE';

  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'InvalidRoute';
  }
}

/** Someone else wrote the route since it was read (or created it, for a write meant only for a new route). */
export class RevisionConflict extends RouteLifecycleError {
  readonly code = 'REVISION_CONFLICT';

  constructor(
    readonly id: string,
    options?: ErrorOptions,
  ) {
    super('the route changed meanwhile; read it again and retry', options);
    this.name = 'RevisionConflict';
  }
}

/**
 * NATS did not take the write within the store's bounded wait (it is away, or reconnecting): the
 * change was not made, or — when the connection broke after sending it — made once; writing it
 * again after `retryAfterS` is safe either way (the store knows its own write).
 */
export class RouteStoreUnavailable extends RouteLifecycleError {
  readonly code = 'ROUTE_STORE_UNAVAILABLE';
  readonly retryAfterS = 2;

  constructor(
    readonly id: string,
    waitedMs: number,
    options?: ErrorOptions,
  ) {
    super(`NATS did not take the change to "${id}" within ${waitedMs} ms (disconnected or reconnecting); retry shortly`, options);
    this.name = 'RouteStoreUnavailable';
  }
}

/**
 * JetStream refused a write whose expected last sequence of the key's subject no longer held:
 * what a NATS KV `create` of an existing key or an `update`/`put` with `previousSeq` runs into.
 */
export function isWrongLastSequence(error: unknown): boolean {
  return (
    error instanceof JetStreamApiError &&
    (error.code === JetStreamApiCodes.StreamWrongLastSequence || error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}
