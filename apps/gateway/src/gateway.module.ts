import { fileURLToPath } from 'node:url';
import { type DynamicModule, Logger, Module, type Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { NatsConnectionManager } from '@offramp/messaging';
import { IdentityModule, IdentityTokenSigner, MetricsService } from '@offramp/platform';
import { AdminController } from './admin/admin.controller.js';
import { AdminTokenGuard } from './admin/admin-token.guard.js';
import { DashboardAssets } from './admin/dashboard-assets.js';
import { DashboardController } from './admin/dashboard.controller.js';
import { IntegrationsRelayController } from './admin/integrations-relay.controller.js';
import { JobsRelayController } from './admin/jobs-relay.controller.js';
import { LiveEventsController } from './admin/live-events.controller.js';
import { LiveFeed } from './admin/live-feed.js';
import { MetricsHistoryController } from './admin/metrics-history.controller.js';
import { SliceAdminRelay } from './admin/slice-admin-relay.js';
import { GATEWAY_CONFIG, type GatewayConfig } from './config/gateway-config.js';
import { CsrfGuard } from './csrf/csrf-guard.js';
import { csrfGuardFromConfig } from './csrf/csrf-guard-from-config.js';
import { GatewayLifecycle } from './gateway-lifecycle.js';
import { createIdentityProvider, IDENTITY_BRIDGE, type LegacyIdentityBridge } from './identity/legacy-identity.provider.js';
import { GatewayMetrics } from './metrics/gateway-metrics.js';
import { MetricsHistory } from './metrics/metrics-history.js';
import { MetricsHistoryConnection } from './metrics/metrics-history-connection.js';
import { ProxyEngine } from './proxy/proxy-engine.js';
import { proxySettingsFromConfig } from './proxy/proxy-settings-from-config.js';
import { PublicListener } from './proxy/public-listener.js';
import { ReplayBudget } from './proxy/replay-budget.js';
import { TrustedProxies } from './proxy/trusted-proxies.js';
import { Upstreams } from './proxy/upstreams.js';
import { WebSocketTunnel } from './proxy/websocket-tunnel.js';
import { routeChangeHandler } from './routes/route-change-handler.js';
import { RouteLifecycle } from './routes/route-lifecycle.js';
import { RouteStore } from './routes/route-store.js';
import { RouteTableLoader } from './routes/route-table-loader.js';
import { MismatchStore } from './shadow/mismatch-store.js';
import { ShadowRunner } from './shadow/shadow-runner.js';
import { ShadowStats } from './shadow/shadow-stats.js';

/**
 * The gateway's collaborators as Nest providers, each built from the configuration by a factory.
 * The proxy path (ProxyEngine, WebSocketTunnel, PublicListener) is made of plain classes built
 * here once: a proxied request never enters Nest's per-request pipeline or its injector. Nest's
 * own HTTP server is the admin listener (admin API, /metrics, health).
 */
const providers: Provider[] = [
  AdminTokenGuard,
  SliceAdminRelay,
  { provide: ReplayBudget, useFactory: (config: GatewayConfig) => new ReplayBudget(config.GATEWAY_REPLAY_BUFFER_BYTES), inject: [GATEWAY_CONFIG] },
  { provide: TrustedProxies, useFactory: (config: GatewayConfig) => new TrustedProxies(config.GATEWAY_TRUSTED_PROXIES), inject: [GATEWAY_CONFIG] },
  {
    provide: MetricsHistory,
    useFactory: (config: GatewayConfig) => new MetricsHistory(config.GATEWAY_HISTORY_BUCKET, { replicas: config.GATEWAY_NATS_REPLICAS }),
    inject: [GATEWAY_CONFIG],
  },
  {
    provide: MetricsHistoryConnection,
    useFactory: (config: GatewayConfig, nats: NatsConnectionManager, history: MetricsHistory) =>
      new MetricsHistoryConnection(nats, history, config.GATEWAY_HISTORY_BUCKET),
    inject: [GATEWAY_CONFIG, NatsConnectionManager, MetricsHistory],
  },
  {
    provide: GatewayMetrics,
    useFactory: (metrics: MetricsService, replay: ReplayBudget, history: MetricsHistory) => new GatewayMetrics(metrics.registry, replay, history),
    inject: [MetricsService, ReplayBudget, MetricsHistory],
  },
  {
    provide: Upstreams,
    useFactory: (config: GatewayConfig, metrics: GatewayMetrics) => {
      const logger = new Logger('Gateway');
      return new Upstreams(config.LEGACY_URL, config.GATEWAY_SERVICES, {
        connections: config.GATEWAY_UPSTREAM_CONNECTIONS,
        breakerFailures: config.GATEWAY_BREAKER_FAILURES,
        breakerCooldownMs: config.GATEWAY_BREAKER_COOLDOWN_MS,
        onBreakerChange: (name, state) => {
          metrics.breakerState(name, state);
          logger.warn(`circuit to ${name} is now ${state}`);
        },
      });
    },
    inject: [GATEWAY_CONFIG, GatewayMetrics],
  },
  {
    provide: IDENTITY_BRIDGE,
    useFactory: (config: GatewayConfig, signer: IdentityTokenSigner, upstreams: Upstreams, dataSource?: DataSource) =>
      createIdentityProvider(config, signer, upstreams.legacy, dataSource),
    inject: [GATEWAY_CONFIG, IdentityTokenSigner, Upstreams, { token: getDataSourceToken(), optional: true }],
  },
  {
    provide: CsrfGuard,
    useFactory: (config: GatewayConfig, bridge: LegacyIdentityBridge, replay: ReplayBudget) => csrfGuardFromConfig(config, bridge, replay),
    inject: [GATEWAY_CONFIG, IDENTITY_BRIDGE, ReplayBudget],
  },
  {
    provide: ShadowStats,
    useFactory: (config: GatewayConfig) => new ShadowStats(config.GATEWAY_STATS_BUCKET, config.GATEWAY_NATS_REPLICAS),
    inject: [GATEWAY_CONFIG],
  },
  {
    provide: MismatchStore,
    useFactory: (config: GatewayConfig) =>
      new MismatchStore(
        config.GATEWAY_SHADOW_STREAM,
        {
          maxAgeSeconds: config.GATEWAY_SHADOW_SAMPLE_MAX_AGE_S,
          perRoute: config.GATEWAY_SHADOW_SAMPLES_PER_ROUTE,
        },
        config.GATEWAY_NATS_REPLICAS,
      ),
    inject: [GATEWAY_CONFIG],
  },
  {
    provide: ShadowRunner,
    useFactory: (
      config: GatewayConfig,
      upstreams: Upstreams,
      identity: LegacyIdentityBridge,
      metrics: GatewayMetrics,
      stats: ShadowStats,
      mismatches: MismatchStore,
    ) => {
      const logger = new Logger('Gateway');
      return new ShadowRunner({
        concurrency: config.GATEWAY_SHADOW_CONCURRENCY,
        maxBodyBytes: config.GATEWAY_SHADOW_MAX_BODY_BYTES,
        legacy: upstreams.legacy,
        services: upstreams.services,
        identity,
        metrics,
        stats,
        mismatches,
        onError: (error) => logger.warn(`shadow comparison failed: ${error.message}`),
      });
    },
    inject: [GATEWAY_CONFIG, Upstreams, IDENTITY_BRIDGE, GatewayMetrics, ShadowStats, MismatchStore],
  },
  {
    provide: ProxyEngine,
    useFactory: (
      config: GatewayConfig,
      upstreams: Upstreams,
      bridge: LegacyIdentityBridge,
      metrics: GatewayMetrics,
      shadow: ShadowRunner,
      trustedProxies: TrustedProxies,
      replay: ReplayBudget,
      csrf: CsrfGuard,
    ) =>
      new ProxyEngine(proxySettingsFromConfig(config), {
        legacy: upstreams.legacy,
        services: upstreams.services,
        identity: bridge,
        metrics,
        shadow,
        trustedProxies,
        replay,
        csrf,
        sessions: bridge,
      }),
    inject: [GATEWAY_CONFIG, Upstreams, IDENTITY_BRIDGE, GatewayMetrics, ShadowRunner, TrustedProxies, ReplayBudget, CsrfGuard],
  },
  {
    provide: PublicListener,
    useFactory: (config: GatewayConfig, engine: ProxyEngine, upstreams: Upstreams, metrics: GatewayMetrics, trustedProxies: TrustedProxies) => {
      const tunnel = new WebSocketTunnel(engine, upstreams.legacy, metrics, {
        idleTimeoutMs: config.GATEWAY_UPGRADE_IDLE_TIMEOUT_MS,
        defaultTimeoutMs: config.GATEWAY_TIMEOUT_MS,
        routingHeaders: config.GATEWAY_ROUTING_HEADERS,
      });
      return new PublicListener(
        {
          port: config.PORT,
          host: config.HOST,
          maxHeaderBytes: config.GATEWAY_MAX_HEADER_BYTES,
          maxUrlBytes: config.GATEWAY_MAX_URL_BYTES,
          headersTimeoutMs: config.GATEWAY_HEADERS_TIMEOUT_MS,
          requestTimeoutMs: config.GATEWAY_REQUEST_TIMEOUT_MS,
          keepAliveTimeoutMs: config.GATEWAY_KEEP_ALIVE_TIMEOUT_MS,
          maxConnectionsPerClient: config.GATEWAY_MAX_CONNECTIONS_PER_CLIENT,
          reusePort: config.GATEWAY_WORKERS > 1,
        },
        engine,
        tunnel,
        trustedProxies,
      );
    },
    inject: [GATEWAY_CONFIG, ProxyEngine, Upstreams, GatewayMetrics, TrustedProxies],
  },
  {
    provide: RouteStore,
    useFactory: (config: GatewayConfig, engine: ProxyEngine, stats: ShadowStats, shadow: ShadowRunner) =>
      new RouteStore(config.GATEWAY_ROUTES_BUCKET, config.GATEWAY_ROUTES_HISTORY, routeChangeHandler({ engine, stats, shadow }), config.GATEWAY_NATS_REPLICAS),
    inject: [GATEWAY_CONFIG, ProxyEngine, ShadowStats, ShadowRunner],
  },
  { provide: RouteLifecycle, useFactory: (store: RouteStore, stats: ShadowStats) => new RouteLifecycle(store, stats), inject: [RouteStore, ShadowStats] },
  {
    provide: RouteTableLoader,
    useFactory: (config: GatewayConfig, nats: NatsConnectionManager, engine: ProxyEngine, store: RouteStore, stats: ShadowStats, mismatches: MismatchStore) =>
      new RouteTableLoader({ routesFile: config.GATEWAY_ROUTES_FILE, bucket: config.GATEWAY_ROUTES_BUCKET }, nats, engine, store, stats, mismatches),
    inject: [GATEWAY_CONFIG, NatsConnectionManager, ProxyEngine, RouteStore, ShadowStats, MismatchStore],
  },
  {
    provide: LiveFeed,
    useFactory: (config: GatewayConfig, nats: NatsConnectionManager, store: RouteStore) =>
      new LiveFeed(nats, { routesBucket: config.GATEWAY_ROUTES_BUCKET, historyBucket: config.GATEWAY_HISTORY_BUCKET }, store),
    inject: [GATEWAY_CONFIG, NatsConnectionManager, RouteStore],
  },
  {
    provide: DashboardAssets,
    // apps/gateway/{src,dist}/gateway.module → apps/dashboard/dist
    useFactory: (config: GatewayConfig) => new DashboardAssets(config.GATEWAY_DASHBOARD_DIR ?? fileURLToPath(new URL('../../dashboard/dist', import.meta.url))),
    inject: [GATEWAY_CONFIG],
  },
  {
    provide: GatewayLifecycle,
    useFactory: (config: GatewayConfig, listener: PublicListener) => new GatewayLifecycle(listener, { host: config.HOST, port: config.PORT }),
    inject: [GATEWAY_CONFIG, PublicListener],
  },
];

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [IdentityModule.forSigning(config)],
      controllers: [AdminController, MetricsHistoryController, LiveEventsController, DashboardController, JobsRelayController, IntegrationsRelayController],
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }, ...providers],
    };
  }
}
