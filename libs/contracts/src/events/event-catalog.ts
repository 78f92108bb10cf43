import { z } from 'zod';

/**
 * The event catalog: every subject that crosses NATS, its payload schema and what it means.
 * The zod schemas are the one source of truth: the TypeScript payload types (`EventPayload<S>`),
 * the JSON Schemas (`eventJsonSchema`) and the committed AsyncAPI document are derived from them.
 *
 * Subjects are `<domain>.<aggregate>.<event>.v<N>`. A payload change that is not backwards
 * compatible gets a new version (a new entry), never an edit of an old one.
 */

const id = z.number().int().positive();
const cents = z.number().int();
const currency = z
  .string()
  .regex(/^[A-Z]{3}$/)
  .describe('ISO 4217 code, e.g. EUR');
const timestamp = z.iso.datetime({ offset: true }).describe('ISO 8601 UTC time with microseconds, e.g. 2026-01-31T12:00:00.123456Z');

export const orderPlacedV1 = z
  .object({
    order_id: id,
    user_id: id,
    status: z.literal('pending'),
    total_cents: cents.min(0),
    currency,
    items: z.array(z.object({ product_id: id, quantity: z.number().int().positive(), unit_price_cents: cents.min(0) }).strict()).min(1),
    placed_at: timestamp,
  })
  .strict();

export const orderPaidV1 = z
  .object({
    order_id: id,
    user_id: id,
    status: z.literal('paid'),
    amount_cents: cents.min(0),
    currency,
    payment_event_id: z.string().min(1).max(191).describe("the payment provider's event id"),
    paid_at: timestamp,
  })
  .strict();

export const productPriceChangedV1 = z.object({ product_id: id, price_cents: cents.min(0), previous_price_cents: cents.min(0), currency }).strict();

export const productStockChangedV1 = z
  .object({
    product_id: id,
    stock: z.number().int().min(0),
    previous_stock: z.number().int().min(0),
    delta: z.number().int(),
    reason: z.enum(['order_placed', 'admin_update']),
    order_id: id.nullable().describe('the order that took the stock, null for a back-office edit'),
  })
  .strict();

/**
 * A Laravel job the queue bridge took from the monolith's queue: the job's own settings from its
 * payload, and the payload itself (failed_jobs keeps it, so `php artisan queue:retry` works).
 */
export const laravelJob = z
  .object({
    uuid: z.string().min(1).max(40).describe("the job's uuid in its Laravel payload"),
    display_name: z.string().min(1).describe('the PHP job class'),
    connection: z.string().min(1).describe("the queue connection's name in the monolith (database, redis)"),
    queue: z.string().min(1),
    attempts: z.number().int().min(0).describe('attempts already made before this push reached the bridge'),
    max_tries: z.number().int().positive().nullable().describe('tries / maxTries; null: the bridge default (as queue:work --tries)'),
    backoff_seconds: z.array(z.number().int().min(0)).min(1).describe('delay before the next attempt, per attempt; the last one repeats'),
    timeout_seconds: z.number().int().positive().nullable(),
    retry_until: z.number().int().nullable().describe('unix seconds after which no new attempt starts'),
    delete_when_missing_models: z.boolean(),
    payload: z.string().min(2).describe("Laravel's payload JSON as pushed"),
  })
  .strict();

export const sendOrderConfirmationJobV1 = z.object({ job: laravelJob, order_id: id.describe('the ModelIdentifier of App\\Models\\Order') }).strict();

export const recalculateProductPopularityJobV1 = z.object({ job: laravelJob }).strict();

/**
 * A Symfony Messenger message the Messenger bridge took from the app's Doctrine transport: where
 * it came from, its retry count, and the PhpSerializer body itself (the failure transport gets it
 * back with Symfony's stamps, so `messenger:failed:show` and `messenger:failed:retry` work).
 */
export const symfonyMessage = z
  .object({
    id: z.number().int().positive().describe('its row id in messenger_messages when the bridge took it'),
    class: z.string().min(1).describe('the PHP message class'),
    transport: z.string().min(1).describe("the Offramp transport's name in messenger.yaml"),
    queue: z.string().min(1).describe('its queue_name'),
    bus: z.string().min(1).nullable().describe('the BusNameStamp'),
    retry_count: z.number().int().min(0).describe('RedeliveryStamp::getRetryCountFromEnvelope when taken'),
    body: z.string().min(2).describe("Symfony's PhpSerializer body as stored"),
  })
  .strict();

export const sendWelcomeEmailMessageV1 = z
  .object({
    message: symfonyMessage,
    user_id: id.describe('SendWelcomeEmail::$userId'),
    locale: z.string().min(1).max(16).describe('SendWelcomeEmail::$locale'),
  })
  .strict();

export interface EventDefinition<S extends z.ZodType = z.ZodType> {
  subject: string;
  /** Who writes it: the monolith's outbox or one of our services. */
  producer: string;
  /** The aggregate whose id orders the events (outbox `aggregate_type`). */
  aggregate: string;
  summary: string;
  schema: S;
  /** Our services that consume it (durable consumers), besides the outbox relay that publishes it. */
  consumers?: readonly string[];
}

const define = <S extends z.ZodType>(definition: EventDefinition<S>) => definition;

export const EVENT_CATALOG = {
  'shop.orders.placed.v1': define({
    subject: 'shop.orders.placed.v1',
    producer: 'legacy (App\\Shop\\PlaceOrder)',
    aggregate: 'order',
    summary: 'An order was placed: stock is taken, the order waits for payment.',
    schema: orderPlacedV1,
    consumers: ['integrations (partner webhooks)'],
  }),
  'shop.orders.paid.v1': define({
    subject: 'shop.orders.paid.v1',
    producer: 'legacy (App\\Http\\Controllers\\PaymentWebhookController), integrations (payment webhooks)',
    aggregate: 'order',
    summary: 'The payment provider confirmed the payment of an order.',
    schema: orderPaidV1,
    consumers: ['integrations (partner webhooks)'],
  }),
  'shop.products.price_changed.v1': define({
    subject: 'shop.products.price_changed.v1',
    producer: 'legacy (App\\Http\\Controllers\\AdminProductController)',
    aggregate: 'product',
    summary: "A product's price was changed in the back office.",
    schema: productPriceChangedV1,
  }),
  'shop.products.stock_changed.v1': define({
    subject: 'shop.products.stock_changed.v1',
    producer: 'legacy (App\\Shop\\PlaceOrder, App\\Http\\Controllers\\AdminProductController)',
    aggregate: 'product',
    summary: "A product's stock changed, by an order or a back-office edit.",
    schema: productStockChangedV1,
  }),
  'shop.jobs.send-order-confirmation.v1': define({
    subject: 'shop.jobs.send-order-confirmation.v1',
    producer: 'pipelines queue bridge (App\\Jobs\\SendOrderConfirmation dispatched by the monolith or the api)',
    aggregate: 'order',
    summary: 'Mail the confirmation of an order (the Laravel job SendOrderConfirmation, run by pipelines).',
    schema: sendOrderConfirmationJobV1,
  }),
  'shop.jobs.recalculate-product-popularity.v1': define({
    subject: 'shop.jobs.recalculate-product-popularity.v1',
    producer: 'pipelines queue bridge (App\\Jobs\\RecalculateProductPopularity, scheduled hourly)',
    aggregate: 'product',
    summary: 'Recompute every product popularity from the units sold (the Laravel job RecalculateProductPopularity, run by pipelines).',
    schema: recalculateProductPopularityJobV1,
  }),
  'shop.jobs.send-welcome-email.v1': define({
    subject: 'shop.jobs.send-welcome-email.v1',
    producer: 'pipelines Messenger bridge (App\\Message\\SendWelcomeEmail dispatched by apps/legacy-symfony)',
    aggregate: 'user',
    summary: 'Send the welcome mail of a new user (the Symfony Messenger message SendWelcomeEmail, run by pipelines).',
    schema: sendWelcomeEmailMessageV1,
  }),
} as const satisfies Record<string, EventDefinition>;

export type EventSubject = keyof typeof EVENT_CATALOG;
export type EventPayload<S extends EventSubject> = z.infer<(typeof EVENT_CATALOG)[S]['schema']>;

/** Lower case; words joined by `_` in events (`stock_changed`), by `-` in job names (`send-order-confirmation`). */
export const EVENT_SUBJECT_PATTERN = /^[a-z0-9_-]+(\.[a-z0-9_-]+)+\.v[0-9]+$/;

export function isCatalogSubject(subject: string): subject is EventSubject {
  return Object.hasOwn(EVENT_CATALOG, subject);
}

export function eventDefinition(subject: string): EventDefinition | undefined {
  return isCatalogSubject(subject) ? EVENT_CATALOG[subject] : undefined;
}

/** The JSON Schema (draft 2020-12) of a subject's payload. */
export function eventJsonSchema(subject: EventSubject): Record<string, unknown> {
  return z.toJSONSchema(EVENT_CATALOG[subject].schema, { target: 'draft-2020-12' }) as Record<string, unknown>;
}
