import { isIP } from 'node:net';
import { statSync } from 'node:fs';
import { z } from 'zod';
import { PHP_POST_MAX_SIZE } from '@offramp/legacy-bridge';
import { booleanField, listField } from '../config/config-fields.js';
import { identityConfigShape } from '../identity/identity-keys.js';

const bool = booleanField;
const list = listField();
/** `10.0.0.0/8,192.168.1.7` (a bare address is a /32 or /128). */
const cidrList = listField().superRefine((list, ctx) => {
  for (const entry of list) {
    const [address = '', bits] = entry.split('/', 2);
    const family = isIP(address);
    const max = family === 6 ? 128 : 32;
    if (family === 0 || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= max))) {
      ctx.addIssue({ code: 'custom', message: `expected IPv4/IPv6 addresses or CIDRs separated by commas (got "${entry}")` });
    }
  }
});
const httpUrl = z.url({ protocol: /^https?$/ });
const readableFile = (path: string) => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/** `api=http://127.0.0.1:3001,integrations=http://127.0.0.1:3002` */
const serviceMap = z
  .string()
  .default('')
  .transform((value, ctx) => {
    const services: Record<string, string> = {};
    for (const entry of value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean)) {
      const [name, url] = entry.split('=', 2);
      if (!name || !url || !httpUrl.safeParse(url).success) {
        ctx.addIssue({ code: 'custom', message: `expected name=http://host:port pairs separated by commas (got "${entry}")` });
        return z.NEVER;
      }
      services[name] = url.replace(/\/$/, '');
    }
    return services;
  });

/**
 * The gateway's own variables (validated with the shared ones by bootstrapService). In a library so
 * that `offramp doctor` reads a setup exactly as the gateway does.
 */
export const gatewayConfigShape = {
  LEGACY_URL: httpUrl.default('http://127.0.0.1:8000').describe('the monolith, http://host:port'),
  GATEWAY_SERVICES: serviceMap.describe('slices as name=http://host:port, separated by commas'),
  GATEWAY_ROUTES_FILE: z.string().default('apps/gateway/routes.yaml').describe('YAML route table that seeds the bucket'),
  GATEWAY_ROUTES_BUCKET: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('offramp_routes')
    .describe('NATS KV bucket name'),
  GATEWAY_ROUTES_HISTORY: z.coerce.number().int().min(1).max(64).default(64).describe('revisions kept per route (1-64)'),
  GATEWAY_ROUTING_HEADERS: bool(true).describe('true or false: x-offramp-route / x-offramp-backend on responses'),
  GATEWAY_ADMIN_TOKEN: z.string().min(16).optional().describe('bearer token for the admin API, at least 16 characters'),
  GATEWAY_PIPELINES_ADMIN_TOKEN: z.string().min(16).optional().describe("the pipelines slice's PIPELINES_ADMIN_TOKEN, for the dashboard's jobs pages"),
  GATEWAY_INTEGRATIONS_ADMIN_TOKEN: z
    .string()
    .min(16)
    .optional()
    .describe("the integrations slice's INTEGRATIONS_ADMIN_TOKEN, for the dashboard's partner pages"),
  GATEWAY_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(1024 ** 3)
    .describe('largest request body in bytes (413 above)'),
  GATEWAY_MAX_HEADER_BYTES: z.coerce.number().int().min(1024).max(65_536).default(16_384).describe('largest request head in bytes (431 above)'),
  GATEWAY_ROUTE_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(PHP_POST_MAX_SIZE)
    .describe(
      "largest request body of a route that sets no maxBodyBytes, in bytes (413 above; default PHP's post_max_size, 8 MiB, beyond which the monolith refuses too)",
    ),
  GATEWAY_RETRY_BUDGET_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(60_000)
    .default(3_000)
    .describe(
      'how long a request an upstream never received (refused connection; for idempotent methods, a connection closed before any answer) is retried on fresh connections, in ms (0: no retry)',
    ),
  GATEWAY_MAX_URL_BYTES: z.coerce.number().int().min(256).max(65_536).default(8_192).describe("longest request target in bytes (414 above; nginx's default)"),
  GATEWAY_ADMIN_PORT: z.coerce
    .number()
    .int()
    .min(1)
    .max(65_535)
    .default(8081)
    .describe('port of the admin listener (admin API, /metrics, health), never the public one (1-65535)'),
  GATEWAY_ADMIN_HOST: z.string().min(1).default('127.0.0.1').describe('interface of the admin listener'),
  GATEWAY_WORKERS: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(1)
    .describe(
      'gateway processes on this host (1-64): above 1, node:cluster workers share the public port (SO_REUSEPORT) and worker i serves its admin listener on GATEWAY_ADMIN_PORT + i - 1',
    ),
  GATEWAY_HEADERS_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(600_000)
    .default(10_000)
    .describe('ms a client has to send its request head (408 and close after)'),
  GATEWAY_REQUEST_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(3_600_000)
    .default(300_000)
    .describe('ms a client has to send its whole request, body included'),
  GATEWAY_BODY_IDLE_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(600_000)
    .default(10_000)
    .describe('ms a request body may stall between two chunks (408 and close after)'),
  GATEWAY_KEEP_ALIVE_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(600_000)
    .default(72_000)
    .describe('ms an idle client connection is kept open (longer than a load balancer in front keeps its own)'),
  GATEWAY_UPGRADE_IDLE_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(3_600_000)
    .default(120_000)
    .describe('ms an upgraded connection (WebSocket) may stay silent both ways'),
  GATEWAY_MAX_CONNECTIONS_PER_CLIENT: z.coerce
    .number()
    .int()
    .min(0)
    .default(128)
    .describe('open connections per client address (0: no limit; trusted proxies are never limited)'),
  GATEWAY_BODY_BUFFER_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(16 * 1024 ** 2)
    .default(64 * 1024)
    .describe('request-body bytes read before an upstream connection is taken, so a trickling body holds no upstream connection (0: none)'),
  GATEWAY_REPLAY_BUFFER_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(64 * 1024 ** 2)
    .describe(
      'request-body bytes held in memory across all requests for fallback replay, shadow copies and GATEWAY_BODY_BUFFER_BYTES (beyond: streamed, no fallback, no shadow)',
    ),
  GATEWAY_TIMEOUT_MS: z.coerce.number().int().min(1).max(600_000).default(30_000).describe('default upstream timeout in ms'),
  GATEWAY_UPSTREAM_CONNECTIONS: z.coerce.number().int().min(1).max(10_000).default(256).describe('keep-alive connections per upstream'),
  GATEWAY_TRUST_FORWARDED: z
    .string()
    .optional()
    .refine(
      (value) => value === undefined,
      'replaced by GATEWAY_TRUSTED_PROXIES: list the addresses (CIDRs) of the proxies in front whose X-Forwarded-* may be believed',
    )
    .describe('(removed)'),
  GATEWAY_TRUSTED_PROXIES: cidrList.describe('addresses (CIDRs, comma-separated) of proxies in front whose X-Forwarded-*/Forwarded are kept; empty: none'),
  GATEWAY_TESTERS: list.describe('user ids or emails allowed to force a backend with the header/cookie'),
  GATEWAY_BREAKER_FAILURES: z.coerce.number().int().min(1).default(5).describe('consecutive failures that open a circuit'),
  GATEWAY_BREAKER_COOLDOWN_MS: z.coerce.number().int().min(100).default(5_000).describe('ms an open circuit waits before a probe'),
  GATEWAY_SHADOW_CONCURRENCY: z.coerce.number().int().min(1).default(32).describe('shadow comparisons in flight at most'),
  GATEWAY_SHADOW_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 ** 2)
    .describe('largest body compared in shadow'),
  GATEWAY_SHADOW_STREAM: z.string().default('OFFRAMP_SHADOW').describe('JetStream stream for shadow mismatches'),
  GATEWAY_SHADOW_SAMPLE_MAX_AGE_S: z.coerce
    .number()
    .int()
    .min(60)
    .max(365 * 24 * 3600)
    .default(7 * 24 * 3600)
    .describe('seconds a redacted mismatch sample is kept (60 to 31536000; applied to an existing stream on start)'),
  GATEWAY_SHADOW_SAMPLES_PER_ROUTE: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(200)
    .describe('newest mismatch samples kept per route (1-10000; applied to an existing stream on start)'),
  GATEWAY_NATS_REPLICAS: z.coerce
    .number()
    .int()
    .min(1)
    .max(5)
    .default(1)
    .describe(
      'JetStream replicas of the route, shadow-stats and history buckets and the shadow stream (1 locally, 3 on a cluster; grown on start, never shrunk)',
    ),
  GATEWAY_STATS_BUCKET: z.string().default('offramp_shadow_stats').describe('NATS KV bucket for per-replica shadow counts'),
  GATEWAY_DASHBOARD_DIR: z.string().optional().describe('the built dashboard (default: apps/dashboard/dist beside the gateway), served on the admin listener'),
  GATEWAY_HISTORY_BUCKET: z
    .string()
    .default('offramp_metrics_history')
    .describe('NATS KV bucket for per-minute request and shadow counts (24 h, every replica)'),
  // Identity bridge: the monolith's session.
  APP_KEY: z.string().optional().describe("the monolith's APP_KEY (base64:…)"),
  APP_CIPHER: z.enum(['AES-256-CBC', 'AES-256-GCM', 'aes-256-cbc', 'aes-256-gcm']).default('AES-256-CBC').describe('AES-256-CBC or AES-256-GCM'),
  SESSION_DRIVER: z.enum(['file', 'database', 'redis', 'none']).default('file').describe('file, database, redis or none (whoami only)'),
  SESSION_COOKIE: z.string().default('laravel_session').describe('the session cookie name'),
  SESSION_FILES: z.string().default('apps/legacy/storage/framework/sessions').describe('folder of the file session store'),
  SESSION_TABLE: z
    .string()
    .regex(/^[A-Za-z0-9_]+$/)
    .default('sessions')
    .describe('table of the database session store'),
  SESSION_LIFETIME: z.coerce.number().int().min(1).default(120).describe('session lifetime in minutes'),
  SESSION_REDIS_URL: z.string().default('redis://127.0.0.1:6379/0').describe("redis://host:port/db of the session store (Laravel's default connection)"),
  SESSION_REDIS_PREFIX: z.string().default('offramp_legacy_cache:').describe("key prefix (REDIS_PREFIX + cache prefix + ':')"),
  SESSION_CACHE_MS: z.coerce.number().int().min(0).default(1_000).describe('ms a read session is reused'),
  LEGACY_WHOAMI_PATH: z.string().default('/_offramp/whoami').describe("the monolith's whoami endpoint"),
  WHOAMI_CACHE_MS: z.coerce.number().int().min(0).default(5_000).describe('ms a whoami answer is reused per cookie'),
  // Identity bridge for a Symfony monolith (LEGACY_FRAMEWORK=symfony): SESSION_DRIVER, SESSION_REDIS_URL,
  // SESSION_CACHE_MS and the whoami variables above apply as well; APP_KEY and the Laravel SESSION_* do not.
  LEGACY_FRAMEWORK: z
    .enum(['laravel', 'symfony'])
    .default('laravel')
    .describe('laravel or symfony: whose session the identity bridge reads (symfony: the SYMFONY_* variables, no APP_KEY)'),
  SYMFONY_SESSION_COOKIE: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'expected a cookie name (letters, digits, _ . -)')
    .default('PHPSESSID')
    .describe("framework.session.name (PHP's session.name)"),
  SYMFONY_SESSION_FILES: z.string().min(1).default('apps/legacy-symfony/var/sessions').describe('framework.session.save_path: folder of the sess_<id> files'),
  SYMFONY_SESSION_TABLE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a table name (letters, digits, _)')
    .default('sessions')
    .describe("PdoSessionHandler's db_table (columns sess_id, sess_data, sess_lifetime, sess_time)"),
  SYMFONY_SESSION_LIFETIME_S: z.coerce
    .number()
    .int()
    .min(1)
    .default(1_440)
    .describe('framework.session.gc_maxlifetime in seconds: a session file not written for longer is no session'),
  SYMFONY_SESSION_REDIS_PREFIX: z.string().default('sf_s').describe("RedisSessionHandler's prefix option"),
  SYMFONY_FIREWALL: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'expected a firewall name (security.yaml, firewalls.<name>)')
    .default('main')
    .describe('the firewall whose token (_security_<firewall>) is read'),
  SYMFONY_USER_CLASSES: listField('App\\Entity\\User')
    .refine(
      (classes) => classes.length > 0 && classes.every((name) => /^[A-Za-z_][A-Za-z0-9_]*(?:\\[A-Za-z_][A-Za-z0-9_]*)*$/.test(name)),
      'expected PHP class names separated by commas (e.g. App\\Entity\\User)',
    )
    .describe("the app's user classes (what its user provider loads): the only classes besides Symfony's tokens read from a session"),
  SYMFONY_USER_ID_PROPERTY: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a property name')
    .default('id')
    .describe("the user property that is the identity's user id (whoami's id)"),
  SYMFONY_USER_EMAIL_PROPERTY: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a property name')
    .default('email')
    .describe("the user property carried as the identity's email"),
  SYMFONY_USER_NAME_PROPERTY: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a property name')
    .default('name')
    .describe("the user property carried as the identity's name"),
  SYMFONY_LOGOUT_PATH: z
    .string()
    .regex(/^\//, 'expected a path starting with /')
    .default('/logout')
    .describe("the firewall's logout path: a request to it passing through the gateway ends the identity cached for its session"),
  // CSRF check for routes a slice answers (Laravel's VerifyCsrfToken, made by the gateway).
  GATEWAY_CSRF_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(64 * 1024 ** 2)
    .default(1024 ** 2)
    .describe('largest form/JSON body read for its _token field (0-64 MiB); larger bodies need the X-CSRF-TOKEN or X-XSRF-TOKEN header'),
  GATEWAY_CSRF_JSON_PATHS: listField('api/*').describe(
    "Request::is patterns (comma-separated) whose 419 is JSON whatever the Accept header says, as the monolith's Handler::shouldReturnJson",
  ),
  GATEWAY_CSRF_PAGE_FILE: z
    .string()
    .optional()
    .refine((path) => path === undefined || readableFile(path), 'expected a readable HTML file (the monolith’s own resources/views/errors/419 page, rendered)')
    .describe("HTML answered with 419 to browsers when the monolith has its own 419 page (default: Laravel's)"),
  ...identityConfigShape,
};

/** The gateway's variables with the shared ones it reads itself (PORT and HOST are its public listener's). */
export type GatewayConfig = z.infer<z.ZodObject<typeof gatewayConfigShape>> & { PORT: number; HOST: string };

/** OFFRAMP_ENV=production: what a public edge should not disclose by default. */
export const gatewayProductionDefaults = { GATEWAY_ROUTING_HEADERS: 'false' } as const;
