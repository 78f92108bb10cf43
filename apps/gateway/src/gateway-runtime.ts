import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { NatsConnectionManager } from '@offramp/messaging';
import { IdentityTokenSigner, MetricsService } from '@offramp/platform';
import { GATEWAY_CONFIG, type GatewayConfig } from './config/gateway-config.js';
import { csrfGuardFromConfig } from './csrf/csrf-guard-from-config.js';
import { createIdentityProvider } from './identity/legacy-identity.provider.js';
import type { IdentityProvider } from './identity/identity-provider.js';
import { GatewayMetrics } from './metrics/gateway-metrics.js';
import { ProxyEngine } from './proxy/proxy-engine.js';
import { PublicListener } from './proxy/public-listener.js';
import { ReplayBudget } from './proxy/replay-budget.js';
import { TrustedProxies } from './proxy/trusted-proxies.js';
import { Upstream } from './proxy/upstream.js';
import { WebSocketTunnel } from './proxy/websocket-tunnel.js';
import { RouteLifecycle } from './routes/route-lifecycle.js';
import { RouteFileError, RouteStore, readRoutesFile, type RouteTransition } from './routes/route-store.js';
import { RouteTable } from './routes/route-table.js';
import { MismatchStore } from './shadow/mismatch-store.js';
import { ShadowRunner } from './shadow/shadow-runner.js';
import { ShadowStats } from './shadow/shadow-stats.js';

/**
 * Everything the proxy path needs, built once: upstream pools, route table (file, then NATS KV),
 * identity bridge, shadow runner, and the public listener that serves it. The proxy has its own
 * node:http server on PORT, so proxied requests never enter Nest's per-request pipeline and the
 * public port serves nothing but the proxy; Nest's server is the admin listener.
 */
@Injectable()
export class GatewayRuntime implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Gateway');
  readonly metrics: GatewayMetrics;
  readonly legacy: Upstream;
  readonly services: Map<string, Upstream>;
  readonly identity: IdentityProvider;
  readonly stats: ShadowStats;
  readonly mismatches: MismatchStore;
  readonly shadow: ShadowRunner;
  readonly engine: ProxyEngine;
  readonly store: RouteStore;
  readonly lifecycle: RouteLifecycle;
  readonly replay: ReplayBudget;
  private readonly listener: PublicListener;
  private routesLoaded = false;
  private stopped = false;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly nats: NatsConnectionManager,
    metricsService: MetricsService,
    signer: IdentityTokenSigner,
    @Optional() @Inject(getDataSourceToken()) dataSource?: DataSource,
  ) {
    this.replay = new ReplayBudget(config.GATEWAY_REPLAY_BUFFER_BYTES);
    const trustedProxies = new TrustedProxies(config.GATEWAY_TRUSTED_PROXIES);
    this.metrics = new GatewayMetrics(metricsService.registry, this.replay);
    const upstreamOptions = {
      connections: config.GATEWAY_UPSTREAM_CONNECTIONS,
      breakerFailures: config.GATEWAY_BREAKER_FAILURES,
      breakerCooldownMs: config.GATEWAY_BREAKER_COOLDOWN_MS,
      onBreakerChange: (name: string, state: Parameters<GatewayMetrics['breakerState']>[1]) => {
        this.metrics.breakerState(name, state);
        this.logger.warn(`circuit to ${name} is now ${state}`);
      },
    };
    this.legacy = new Upstream('legacy', config.LEGACY_URL, upstreamOptions);
    this.services = new Map(Object.entries(config.GATEWAY_SERVICES).map(([name, url]) => [name, new Upstream(name, url, upstreamOptions)]));
    const bridge = createIdentityProvider(config, signer, this.legacy, dataSource);
    this.identity = bridge;
    this.stats = new ShadowStats(config.GATEWAY_STATS_BUCKET);
    this.mismatches = new MismatchStore(config.GATEWAY_SHADOW_STREAM, {
      maxAgeSeconds: config.GATEWAY_SHADOW_SAMPLE_MAX_AGE_S,
      perRoute: config.GATEWAY_SHADOW_SAMPLES_PER_ROUTE,
    });
    this.shadow = new ShadowRunner({
      concurrency: config.GATEWAY_SHADOW_CONCURRENCY,
      maxBodyBytes: config.GATEWAY_SHADOW_MAX_BODY_BYTES,
      legacy: this.legacy,
      services: this.services,
      identity: this.identity,
      metrics: this.metrics,
      stats: this.stats,
      mismatches: this.mismatches,
      onError: (error) => this.logger.warn(`shadow comparison failed: ${error.message}`),
    });
    this.engine = new ProxyEngine(
      {
        routingHeaders: config.GATEWAY_ROUTING_HEADERS,
        maxBodyBytes: config.GATEWAY_MAX_BODY_BYTES,
        maxHeaderBytes: config.GATEWAY_MAX_HEADER_BYTES,
        defaultTimeoutMs: config.GATEWAY_TIMEOUT_MS,
        testers: new Set(config.GATEWAY_TESTERS),
        shadowMaxBodyBytes: config.GATEWAY_SHADOW_MAX_BODY_BYTES,
        bodyIdleTimeoutMs: config.GATEWAY_BODY_IDLE_TIMEOUT_MS,
        bodyBufferBytes: config.GATEWAY_BODY_BUFFER_BYTES,
        inspectBodyBytes: config.GATEWAY_CSRF_MAX_BODY_BYTES,
      },
      {
        legacy: this.legacy,
        services: this.services,
        identity: this.identity,
        metrics: this.metrics,
        shadow: this.shadow,
        trustedProxies,
        replay: this.replay,
        csrf: csrfGuardFromConfig(config, bridge, this.replay),
        sessions: bridge,
      },
    );
    const tunnel = new WebSocketTunnel(this.engine, this.legacy, this.metrics, {
      idleTimeoutMs: config.GATEWAY_UPGRADE_IDLE_TIMEOUT_MS,
      defaultTimeoutMs: config.GATEWAY_TIMEOUT_MS,
      routingHeaders: config.GATEWAY_ROUTING_HEADERS,
    });
    this.listener = new PublicListener(
      {
        port: config.PORT,
        host: config.HOST,
        maxHeaderBytes: config.GATEWAY_MAX_HEADER_BYTES,
        headersTimeoutMs: config.GATEWAY_HEADERS_TIMEOUT_MS,
        requestTimeoutMs: config.GATEWAY_REQUEST_TIMEOUT_MS,
        keepAliveTimeoutMs: config.GATEWAY_KEEP_ALIVE_TIMEOUT_MS,
        maxConnectionsPerClient: config.GATEWAY_MAX_CONNECTIONS_PER_CLIENT,
      },
      this.engine,
      tunnel,
      trustedProxies,
    );
    this.store = new RouteStore(config.GATEWAY_ROUTES_BUCKET, config.GATEWAY_ROUTES_HISTORY, (table, transitions) => this.applyTable(table, transitions));
    this.lifecycle = new RouteLifecycle(this.store, this.stats);
  }

  get ready(): boolean {
    return this.routesLoaded;
  }

  async onModuleInit(): Promise<void> {
    const routesFile = resolve(this.config.GATEWAY_ROUTES_FILE);
    // Until NATS answers, the file is the table: a gateway that starts during a NATS outage still routes.
    if (existsSync(routesFile)) {
      try {
        this.engine.setRoutes(RouteTable.from(await readRoutesFile(routesFile)));
      } catch (error) {
        if (!(error instanceof RouteFileError)) throw error;
        // A broken seed file is a configuration mistake: say where, and do not restart in a loop.
        process.stderr.write(`gateway: route file error: ${error.message} (fix the file or GATEWAY_ROUTES_FILE)\n`);
        process.exit(78);
      }
    }
    void this.connectRouteStore(routesFile);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.listener.listen();
    this.logger.log(
      `public listener on http://${this.config.HOST.includes(':') ? `[${this.config.HOST}]` : this.config.HOST}:${this.config.PORT} (proxy only)`,
    );
  }

  /** The public listener first: no new requests, those in flight finish before the pools close. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.listener.close();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.store.close();
    this.stats.close();
    await Promise.allSettled([this.legacy.close(), ...[...this.services.values()].map((upstream) => upstream.close())]);
  }

  private async connectRouteStore(routesFile: string): Promise<void> {
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        const nc = await this.nats.connected();
        await this.store.open(nc);
        if (existsSync(routesFile)) {
          const seeded = await this.store.seedFromFile(routesFile);
          if (seeded.added > 0) this.logger.log(`seeded ${seeded.added} route(s) from ${routesFile} into ${this.config.GATEWAY_ROUTES_BUCKET}`);
        }
        await Promise.all([this.stats.open(nc), this.mismatches.open(nc)]);
        this.routesLoaded = true;
        this.logger.log(`route table loaded from NATS KV ${this.config.GATEWAY_ROUTES_BUCKET} (${this.engine.routes.size} routes); watching for changes`);
        return;
      } catch (error) {
        if (this.stopped) return;
        this.logger.warn(`route table not loaded from NATS yet (attempt ${attempt}): ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 250 * attempt)));
      }
    }
  }

  private applyTable(table: RouteTable, transitions: RouteTransition[]): void {
    this.engine.setRoutes(table);
    for (const { id, before, after } of transitions) {
      if (after?.state === 'shadow' && before?.state !== 'shadow') {
        this.stats.reset(id);
        this.shadow.forget(id);
      }
    }
    const [single] = transitions;
    if (transitions.length === 1 && single) this.logger.debug(`route ${single.id}: ${single.before?.state ?? 'new'} → ${single.after?.state ?? 'deleted'}`);
  }
}
