import { z } from 'zod';
import { booleanField, integerField, listField } from '@offramp/platform';

/** The integrations slice's own settings, validated with the shared ones at start-up. */
export const integrationsConfigShape = {
  PAYMENT_WEBHOOK_SECRET: z
    .string()
    .default('')
    .describe("the payment provider's signing secret (the monolith's PAYMENT_WEBHOOK_SECRET); empty refuses every webhook, as the monolith does"),
  PAYMENT_WEBHOOK_TOLERANCE: integerField(0, 86_400).default(300).describe('replay window of a webhook signature in seconds (0-86400)'),
  PAYMENT_WEBHOOK_MAX_BYTES: integerField(1_024, 64 * 1024 * 1024)
    .default(8 * 1024 * 1024)
    .describe("largest webhook body accepted, in bytes (PHP's post_max_size, 8 MiB)"),
  CARRIER_BASE_URL: z.url().default('http://127.0.0.1:9400').describe("the carrier's rate API (the monolith's CARRIER_BASE_URL)"),
  CARRIER_TIMEOUT_MS: integerField(1, 60_000).default(2_000).describe("time the carrier has to answer one quote, in ms (the monolith's CARRIER_TIMEOUT_MS)"),
  CARRIER_RETRIES: integerField(0, 5).default(1).describe('further attempts after a connection failure or a 5xx of the carrier (0-5)'),
  CARRIER_CONNECTIONS: integerField(1, 4_096).default(256).describe('keep-alive connections to the carrier'),
  CARRIER_BREAKER_FAILURES: integerField(1, 1_000).default(5).describe('consecutive carrier failures that open the circuit'),
  CARRIER_BREAKER_COOLDOWN_MS: integerField(100, 600_000).default(5_000).describe('how long an open circuit answers "unavailable" before one probe'),
  SHOP_CURRENCY: z.string().length(3).default('USD').describe("currency of a quote whose carrier names none (the monolith's SHOP_CURRENCY)"),
  QUOTE_CACHE_TTL_MS: integerField(0, 3_600_000).default(30_000).describe('how long an identical quote is served from memory (0 turns the cache off)'),
  QUOTE_CACHE_MAX_ENTRIES: integerField(1, 1_000_000).default(10_000).describe('quotes kept in memory at most'),
  INTEGRATIONS_ADMIN_TOKEN: z
    .string()
    .default('')
    .refine((token) => token === '' || token.length >= 16, 'at least 16 characters')
    .describe('bearer token of the partner admin API (at least 16 characters; empty turns the admin API off)'),
  PARTNER_DELIVERIES_ENABLED: booleanField(true).describe('true or false: consume shop.orders events and deliver them to partners'),
  PARTNER_ALLOWED_CIDRS: listField('').describe('private ranges partner URLs may reach after all, e.g. 127.0.0.0/8 (none by default: SSRF guard)'),
  PARTNER_REQUIRE_HTTPS: booleanField(false).describe('true or false: refuse partner URLs that are not https'),
  PARTNER_TIMEOUT_MS: integerField(100, 60_000).default(10_000).describe('time a partner has to answer one delivery, in ms'),
  PARTNER_MAX_IN_FLIGHT: integerField(1, 256).default(8).describe('deliveries in flight at once per partner (a slow partner delays only itself)'),
  PARTNER_RETRY_TIME_SCALE: z.coerce
    .number()
    .gt(0)
    .max(1)
    .default(1)
    .describe('factor on the retry schedule and Retry-After (1 in production; 0.001 turns 5 min into 300 ms in tests)'),
  PARTNER_POLL_MS: integerField(10, 60_000).default(250).describe('how often due retries are looked for, in ms'),
};

export type IntegrationsConfig = z.infer<z.ZodObject<typeof integrationsConfigShape>>;
