import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { linearBackoff, RetryAbortedError, retryWithBackoff } from '@offramp/messaging';
import { ConfigError } from '@offramp/platform';
import type { MismatchStore } from '../shadow/mismatch-store.js';
import type { ShadowStats } from '../shadow/shadow-stats.js';
import { RouteFileError, readRoutesFile, type RouteStore } from './route-store.js';
import { RouteTable } from './route-table.js';

export interface RouteTableLoaderSettings {
  /** GATEWAY_ROUTES_FILE: the seed, and the table until NATS answers. */
  routesFile: string;
  /** GATEWAY_ROUTES_BUCKET, for the log. */
  bucket: string;
}

/** Where the table goes while NATS is not there yet (the proxy engine). */
export interface RouteTableTarget {
  setRoutes(table: RouteTable): void;
  readonly routes: { readonly size: number };
}

/**
 * Loads the route table: from the file at start (a gateway that starts during a NATS outage still
 * routes), then from the NATS KV bucket, seeded with the file's routes it does not hold yet, and
 * opens the shadow stores beside it. NATS is retried until it answers or the gateway stops.
 */
export class RouteTableLoader implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Gateway');
  private loadedFromNats = false;
  private readonly stopping = new AbortController();
  private connecting?: Promise<void>;

  constructor(
    private readonly settings: RouteTableLoaderSettings,
    private readonly nats: { connected(): Promise<NatsConnection> },
    private readonly target: RouteTableTarget,
    private readonly store: RouteStore,
    private readonly stats: ShadowStats,
    private readonly mismatches: MismatchStore,
  ) {}

  /** True once the table, the shadow counts and the mismatch samples are served from NATS. */
  get loaded(): boolean {
    return this.loadedFromNats;
  }

  /** Throws ConfigError for a seed file that does not parse: a configuration mistake, not a reason to restart in a loop. */
  async onModuleInit(): Promise<void> {
    const routesFile = resolve(this.settings.routesFile);
    if (existsSync(routesFile)) {
      try {
        this.target.setRoutes(RouteTable.from(await readRoutesFile(routesFile)));
      } catch (error) {
        if (!(error instanceof RouteFileError)) throw error;
        throw new ConfigError('GATEWAY_ROUTES_FILE', `${error.message} (fix the file or GATEWAY_ROUTES_FILE)`);
      }
    }
    this.connecting = this.connect(routesFile);
  }

  /** Resolves once loaded from NATS, or once stopped before that (for tests and shutdown). */
  settled(): Promise<void> {
    return this.connecting ?? Promise.resolve();
  }

  onApplicationShutdown(): void {
    this.stopping.abort();
    this.store.close();
    this.stats.close();
  }

  private async connect(routesFile: string): Promise<void> {
    try {
      await retryWithBackoff(() => this.load(routesFile), {
        backoff: linearBackoff({ stepMs: 250, maxMs: 5_000 }),
        signal: this.stopping.signal,
        onRetry: (error, failures) => this.logger.warn(`route table not loaded from NATS yet (attempt ${failures}): ${(error as Error).message}`),
      });
    } catch (error) {
      // Without a deadline the retries end only when the gateway stops.
      if (!(error instanceof RetryAbortedError)) throw error;
    }
  }

  private async load(routesFile: string): Promise<void> {
    const nc = await this.nats.connected();
    await this.store.open(nc);
    if (existsSync(routesFile)) {
      const seeded = await this.store.seedFromFile(routesFile);
      if (seeded.added > 0) this.logger.log(`seeded ${seeded.added} route(s) from ${routesFile} into ${this.settings.bucket}`);
    }
    await Promise.all([this.stats.open(nc), this.mismatches.open(nc)]);
    this.loadedFromNats = true;
    this.logger.log(`route table loaded from NATS KV ${this.settings.bucket} (${this.target.routes.size} routes); watching for changes`);
  }
}
