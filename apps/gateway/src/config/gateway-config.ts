import { z } from 'zod';
import { identityConfigShape } from '@offramp/platform';

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1');
const list = z
  .string()
  .default('')
  .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean));
const httpUrl = z.url({ protocol: /^https?$/ });

/** `api=http://127.0.0.1:3001,integrations=http://127.0.0.1:3002` */
const serviceMap = z
  .string()
  .default('')
  .transform((value, ctx) => {
    const services: Record<string, string> = {};
    for (const entry of value.split(',').map((item) => item.trim()).filter(Boolean)) {
      const [name, url] = entry.split('=', 2);
      if (!name || !url || !httpUrl.safeParse(url).success) {
        ctx.addIssue({ code: 'custom', message: `expected name=http://host:port pairs separated by commas (got "${entry}")` });
        return z.NEVER;
      }
      services[name] = url.replace(/\/$/, '');
    }
    return services;
  });

/** The gateway's own variables (validated with the shared ones by bootstrapService). */
export const gatewayConfigShape = {
  LEGACY_URL: httpUrl.default('http://127.0.0.1:8000').describe('the monolith, http://host:port'),
  GATEWAY_SERVICES: serviceMap.describe('slices as name=http://host:port, separated by commas'),
  GATEWAY_ROUTES_FILE: z.string().default('apps/gateway/routes.yaml').describe('YAML route table that seeds the bucket'),
  GATEWAY_ROUTES_BUCKET: z.string().regex(/^[A-Za-z0-9_-]+$/).default('offramp_routes').describe('NATS KV bucket name'),
  GATEWAY_ROUTES_HISTORY: z.coerce.number().int().min(1).max(64).default(64).describe('revisions kept per route (1-64)'),
  GATEWAY_ROUTING_HEADERS: bool(true).describe('true or false: x-offramp-route / x-offramp-backend on responses'),
  GATEWAY_ADMIN_TOKEN: z.string().min(16).optional().describe('bearer token for the admin API, at least 16 characters'),
  GATEWAY_MAX_BODY_BYTES: z.coerce.number().int().min(0).default(1024 ** 3).describe('largest request body in bytes (413 above)'),
  GATEWAY_MAX_HEADER_BYTES: z.coerce.number().int().min(1024).max(65_536).default(16_384).describe('largest request head in bytes (431 above)'),
  GATEWAY_TIMEOUT_MS: z.coerce.number().int().min(1).max(600_000).default(30_000).describe('default upstream timeout in ms'),
  GATEWAY_UPSTREAM_CONNECTIONS: z.coerce.number().int().min(1).max(10_000).default(256).describe('keep-alive connections per upstream'),
  GATEWAY_TRUST_FORWARDED: bool(false).describe('true when a trusted proxy in front sets X-Forwarded-*'),
  GATEWAY_TESTERS: list.describe('user ids or emails allowed to force a backend with the header/cookie'),
  GATEWAY_BREAKER_FAILURES: z.coerce.number().int().min(1).default(5).describe('consecutive failures that open a circuit'),
  GATEWAY_BREAKER_COOLDOWN_MS: z.coerce.number().int().min(100).default(5_000).describe('ms an open circuit waits before a probe'),
  GATEWAY_SHADOW_CONCURRENCY: z.coerce.number().int().min(1).default(32).describe('shadow comparisons in flight at most'),
  GATEWAY_SHADOW_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1024 ** 2).describe('largest body compared in shadow'),
  GATEWAY_SHADOW_STREAM: z.string().default('OFFRAMP_SHADOW').describe('JetStream stream for shadow mismatches'),
  GATEWAY_SHADOW_SAMPLE_MAX_AGE_S: z.coerce.number().int().min(60).max(365 * 24 * 3600).default(7 * 24 * 3600).describe('seconds a redacted mismatch sample is kept (60 to 31536000; applied to an existing stream on start)'),
  GATEWAY_SHADOW_SAMPLES_PER_ROUTE: z.coerce.number().int().min(1).max(10_000).default(200).describe('newest mismatch samples kept per route (1-10000; applied to an existing stream on start)'),
  GATEWAY_STATS_BUCKET: z.string().default('offramp_shadow_stats').describe('NATS KV bucket for per-replica shadow counts'),
  // Identity bridge: the monolith's session.
  APP_KEY: z.string().optional().describe("the monolith's APP_KEY (base64:…)"),
  APP_CIPHER: z.enum(['AES-256-CBC', 'AES-256-GCM', 'aes-256-cbc', 'aes-256-gcm']).default('AES-256-CBC').describe('AES-256-CBC or AES-256-GCM'),
  SESSION_DRIVER: z.enum(['file', 'database', 'redis', 'none']).default('file').describe('file, database, redis or none (whoami only)'),
  SESSION_COOKIE: z.string().default('laravel_session').describe('the session cookie name'),
  SESSION_FILES: z.string().default('apps/legacy/storage/framework/sessions').describe('folder of the file session store'),
  SESSION_TABLE: z.string().regex(/^[A-Za-z0-9_]+$/).default('sessions').describe('table of the database session store'),
  SESSION_LIFETIME: z.coerce.number().int().min(1).default(120).describe('session lifetime in minutes'),
  SESSION_REDIS_URL: z.string().default('redis://127.0.0.1:6379/0').describe("redis://host:port/db of the session store (Laravel's default connection)"),
  SESSION_REDIS_PREFIX: z.string().default('offramp_legacy_cache:').describe("key prefix (REDIS_PREFIX + cache prefix + ':')"),
  SESSION_CACHE_MS: z.coerce.number().int().min(0).default(1_000).describe('ms a read session is reused'),
  LEGACY_WHOAMI_PATH: z.string().default('/_offramp/whoami').describe("the monolith's whoami endpoint"),
  WHOAMI_CACHE_MS: z.coerce.number().int().min(0).default(5_000).describe('ms a whoami answer is reused per cookie'),
  ...identityConfigShape,
};

export type GatewayConfig = z.infer<z.ZodObject<typeof gatewayConfigShape>>;
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
