import { parseAppKey } from '@offramp/legacy-bridge';
import { booleanField, integerField as int } from '@offramp/platform';
import { z } from 'zod';
import { messengerBridgeConfig } from './messenger-bridge/messenger-bridge-config.js';

const queueName = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]+$/)
  .describe('a Laravel queue name (letters, digits, _ . : -)');

/** The pipelines service's own variables, validated with the shared ones. */
export const pipelinesConfig = {
  OUTBOX_RELAY_ENABLED: booleanField(true).describe('true or false (1 or 0)'),
  OUTBOX_RELAY_BATCH_SIZE: int(1, 5_000).default(200).describe('rows per batch (1-5000)'),
  OUTBOX_RELAY_IDLE_POLL_MAX_MS: int(5, 10_000).default(250).describe('longest pause between polls of an empty outbox, ms (5-10000)'),
  OUTBOX_RELAY_LEASE_TTL_MS: int(1_000, 600_000).default(10_000).describe('SQLite relay lease, ms (1000-600000)'),
  OUTBOX_TABLE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .default('offramp_outbox')
    .describe('the outbox table name (letters, digits, _)'),
  EVENTS_STREAM_REPLICAS: int(1, 5).default(1).describe('JetStream replicas of the events streams (1 locally, 3 on a cluster)'),
  EVENTS_STREAM_MAX_AGE_HOURS: int(1, 24 * 365)
    .default(24 * 7)
    .describe('hours an event stays in the stream (1-8760)'),
  EVENTS_DUPLICATE_WINDOW_MINUTES: int(1, 24 * 60)
    .default(120)
    .describe('minutes in which a repeated Nats-Msg-Id is dropped (1-1440)'),
  QUEUE_BRIDGE_ENABLED: booleanField(true).describe('true or false (1 or 0): drain the monolith queue of taken-over jobs'),
  QUEUE_BRIDGE_DRIVER: z.enum(['database', 'redis']).default('database').describe("the monolith's queue driver for taken-over jobs: database or redis"),
  QUEUE_BRIDGE_QUEUE: queueName.default('offramp').describe("the monolith's offramp.queue"),
  QUEUE_BRIDGE_PHP_QUEUE: queueName.default('default').describe('where a job of a class that is not taken over is moved, for PHP workers'),
  QUEUE_BRIDGE_CONNECTION: z
    .string()
    .min(1)
    .optional()
    .describe("the queue connection's name in the monolith's config/queue.php, written into failed_jobs (default: the driver's name)"),
  REDIS_URL: z
    .url({ protocol: /^rediss?$/ })
    .default('redis://127.0.0.1:6379/0')
    .describe("redis://[:password@]host:port/db of the monolith's redis connection (redis driver)"),
  REDIS_PREFIX: z.string().default('').describe("the monolith's REDIS_PREFIX (database.redis.options.prefix)"),
  QUEUE_BRIDGE_BATCH_SIZE: int(1, 1_000).default(100).describe('jobs reserved per batch (1-1000)'),
  QUEUE_BRIDGE_RETRY_AFTER_SECONDS: int(1, 86_400).default(90).describe('config/queue.php retry_after: a reservation older than this is taken again (1-86400)'),
  QUEUE_JOBS_DEFAULT_TRIES: int(1, 1_000).default(1).describe('tries of a job that sets none, as queue:work --tries (1-1000)'),
  QUEUE_JOBS_CONCURRENCY: int(1, 1_000).default(32).describe('taken-over jobs run at once per process (1-1000)'),
  QUEUE_JOBS_ACK_WAIT_MS: int(1_000, 600_000)
    .default(30_000)
    .describe('how long JetStream waits before handing a job of a dead process to another (1000-600000 ms; kept alive while a handler runs)'),
  PIPELINES_ADMIN_TOKEN: z
    .string()
    .default('')
    .refine((token) => token === '' || token.length >= 16, 'at least 16 characters')
    .describe('bearer token of the jobs admin API (at least 16 characters; empty turns the admin API off)'),
  SALES_REPORT_HTTP_ENABLED: booleanField(false).describe(
    "true or false (1 or 0): answer GET /reports/sales.csv from the aggregate (needs the gateway's identity key: IDENTITY_TOKEN_PUBLIC_KEY or _SECRET)",
  ),
  SCHEDULE_POPULARITY_ENABLED: booleanField(false).describe(
    'true or false (1 or 0): queue RecalculateProductPopularity hourly from here (one replica per hour)',
  ),
  SCHEDULE_TICK_MS: int(1_000, 3_600_000).default(60_000).describe('how often the schedule checks for a due hour, ms (1000-3600000)'),
  APP_KEY: z
    .string()
    .optional()
    .refine((key) => key === undefined || safe(() => parseAppKey(key)), 'expected base64: and 44 characters (32 bytes)')
    .describe("the monolith's APP_KEY, to read ShouldBeEncrypted jobs"),
  MAIL_HOST: z.string().min(1).default('127.0.0.1').describe('SMTP server host (the monolith MAIL_HOST)'),
  MAIL_PORT: int(1, 65_535).default(1025).describe('SMTP server port (1-65535)'),
  MAIL_ENCRYPTION: z.enum(['', 'tls', 'ssl']).default('').describe("'' (plain, STARTTLS if offered), tls (STARTTLS required) or ssl (TLS from the start)"),
  MAIL_MAX_CONNECTIONS: int(1, 100).default(8).describe('SMTP connections at once (1-100); each holds one prepared mail waiting for its send turn'),
  MAIL_USERNAME: z.string().optional().describe('SMTP user'),
  MAIL_PASSWORD: z.string().optional().describe('SMTP password'),
  MAIL_FROM_ADDRESS: z.email().default('shop@example.test').describe("sender address (the monolith's mail.from.address)"),
  MAIL_FROM_NAME: z.string().default('Offramp Shop').describe("sender name (the monolith's mail.from.name)"),
  ...messengerBridgeConfig,
};

function safe(check: () => unknown): boolean {
  try {
    check();
    return true;
  } catch {
    return false;
  }
}
