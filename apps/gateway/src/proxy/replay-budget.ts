/**
 * Request-body bytes the gateway holds in memory, across all requests, to replay a body to the
 * monolith when a slice fails (or to copy it to a slice in shadow). Without a bound, clients that
 * send all but the last bytes of a 1 MiB body would each pin a megabyte. Beyond the cap a body is
 * streamed: that request gets no fallback and no shadow copy.
 */
export class ReplayBudget {
  private heldBytes = 0;
  private peakBytes = 0;

  constructor(readonly capBytes: number) {}

  get held(): number {
    return this.heldBytes;
  }

  /** The most ever held at once. */
  get peak(): number {
    return this.peakBytes;
  }

  tryReserve(bytes: number): boolean {
    if (!(bytes >= 0) || this.heldBytes + bytes > this.capBytes) return false;
    this.heldBytes += bytes;
    if (this.heldBytes > this.peakBytes) this.peakBytes = this.heldBytes;
    return true;
  }

  release(bytes: number): void {
    this.heldBytes = Math.max(0, this.heldBytes - bytes);
  }
}
