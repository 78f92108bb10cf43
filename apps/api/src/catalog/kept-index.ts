import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

/** How often the api checks that what it keeps in the monolith's database for its search is still there. */
export const SEARCH_INDEX_CHECK_INTERVAL_MS = 10_000;

/**
 * Something the api keeps in the monolith's database rather than migrating it once: the
 * monolith's own migrations may drop it at any time, and it can only be made once the monolith
 * has made its table. Checked at start-up and every SEARCH_INDEX_CHECK_INTERVAL_MS, one check at
 * a time; a failure is logged (once for the same reason) and the search scans meanwhile.
 */
export abstract class KeptIndex implements OnApplicationBootstrap, OnApplicationShutdown {
  protected readonly logger = new Logger('CatalogSearchIndex');
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private failure: string | undefined;

  /** Whether this process keeps it (the database's kind, the worker). */
  protected abstract get kept(): boolean;

  /** Makes what is missing. */
  protected abstract ensure(): Promise<void>;

  async onApplicationBootstrap(): Promise<void> {
    if (!this.kept) return;
    await this.check();
    this.timer = setInterval(() => void this.check(), SEARCH_INDEX_CHECK_INTERVAL_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  check(): Promise<void> {
    this.checking ??= this.ensure()
      .then(() => (this.failure = undefined))
      .catch((error: unknown) => {
        const reason = (error as Error).message;
        if (reason !== this.failure) this.logger.error(`the catalog search index could not be made, searches scan products: ${reason}`);
        this.failure = reason;
      })
      .finally(() => (this.checking = undefined));
    return this.checking;
  }
}
