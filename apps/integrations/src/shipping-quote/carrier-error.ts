/** CarrierException's kinds: the quote answers 504 for a timeout and 502 for the others. */
export type CarrierErrorKind = 'timeout' | 'unavailable' | 'bad_response';

export class CarrierError extends Error {
  constructor(
    readonly kind: CarrierErrorKind,
    message: string,
    /** The carrier's own HTTP status when it answered one outside 2xx. */
    readonly carrierStatus?: number,
  ) {
    super(message);
    this.name = 'CarrierError';
  }

  static status(status: number): CarrierError {
    return new CarrierError('bad_response', `Carrier answered HTTP ${status}.`, status);
  }

  /** The carrier is down or overloaded (as opposed to up and answering a body we cannot read). */
  get carrierFailed(): boolean {
    return this.kind !== 'bad_response' || (this.carrierStatus !== undefined && this.carrierStatus >= 500);
  }

  /** Worth another attempt of the same GET: not reached, or a 5xx. A timeout used the budget. */
  get retryable(): boolean {
    return this.kind === 'unavailable' || (this.carrierStatus !== undefined && this.carrierStatus >= 500);
  }
}
