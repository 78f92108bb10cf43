import { readFileSync } from 'node:fs';
import { EVENT_CATALOG, EVENT_SUBJECT_PATTERN, eventJsonSchema, type EventPayload } from './event-catalog.js';
import { renderAsyncApiDocument } from './asyncapi.js';
import { validateEvent } from './validate-event.js';

// Payloads exactly as apps/legacy's Outbox::record callers build them (PlaceOrder,
// PaymentWebhookController, AdminProductController).
const placed: EventPayload<'shop.orders.placed.v1'> = {
  order_id: 17,
  user_id: 3,
  status: 'pending',
  total_cents: 2598,
  currency: 'EUR',
  items: [{ product_id: 5, quantity: 2, unit_price_cents: 1299 }],
  placed_at: '2026-01-31T12:00:00.123456Z',
};
const samples: Record<keyof typeof EVENT_CATALOG, unknown> = {
  'shop.orders.placed.v1': placed,
  'shop.orders.paid.v1': {
    order_id: 17,
    user_id: 3,
    status: 'paid',
    amount_cents: 2598,
    currency: 'EUR',
    payment_event_id: 'evt_123',
    paid_at: '2026-01-31T12:01:00.000000Z',
  },
  'shop.products.price_changed.v1': { product_id: 5, price_cents: 1399, previous_price_cents: 1299, currency: 'EUR' },
  'shop.products.stock_changed.v1': { product_id: 5, stock: 8, previous_stock: 10, delta: -2, reason: 'order_placed', order_id: 17 },
  'shop.jobs.send-order-confirmation.v1': { job: laravelJobSample('App\\Jobs\\SendOrderConfirmation'), order_id: 17 },
  'shop.jobs.recalculate-product-popularity.v1': { job: laravelJobSample('App\\Jobs\\RecalculateProductPopularity') },
  // What the Messenger bridge takes from a row of messenger_messages (libs/messaging messenger-bridge).
  'shop.jobs.send-welcome-email.v1': {
    message: {
      id: 12,
      class: 'App\\Message\\SendWelcomeEmail',
      transport: 'offramp',
      queue: 'offramp',
      bus: 'messenger.bus.default',
      retry_count: 0,
      body: 'O:36:\\"Symfony\\\\Component\\\\Messenger\\\\Envelope\\":2:{}',
    },
    user_id: 3,
    locale: 'en',
  },
};

// What the queue bridge takes from a Laravel payload (libs/messaging queue-bridge).
function laravelJobSample(displayName: string): EventPayload<'shop.jobs.send-order-confirmation.v1'>['job'] {
  return {
    uuid: '130c78b9-8caf-4615-a88a-cc09dd9f0685',
    display_name: displayName,
    connection: 'database',
    queue: 'offramp',
    attempts: 0,
    max_tries: 3,
    backoff_seconds: [0],
    timeout_seconds: null,
    retry_until: null,
    delete_when_missing_models: false,
    payload: '{"uuid":"130c78b9-8caf-4615-a88a-cc09dd9f0685"}',
  };
}

describe('event catalog', () => {
  it('names every subject <domain>.<aggregate>.<event>.v<N>, keyed by itself', () => {
    for (const [key, definition] of Object.entries(EVENT_CATALOG)) {
      expect(definition.subject).toBe(key);
      expect(key).toMatch(EVENT_SUBJECT_PATTERN);
    }
  });

  it.each(Object.keys(samples))('accepts the monolith payload of %s', (subject) => {
    expect(validateEvent(subject, samples[subject as keyof typeof samples])).toMatchObject({ ok: true });
  });

  it('names the field at fault in a bad payload', () => {
    const bad = { ...placed, items: [{ product_id: 5, quantity: 0, unit_price_cents: 1299 }] };
    const result = validateEvent('shop.orders.placed.v1', bad);
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.reason).toMatch(/^items\.0\.quantity: /);
    expect(validateEvent('shop.orders.placed.v1', 'not an object')).toMatchObject({ ok: false });
    expect(validateEvent('shop.products.stock_changed.v1', { ...(samples['shop.products.stock_changed.v1'] as object), extra: 1 })).toMatchObject({
      ok: false,
    });
  });

  it('leaves subjects it does not know to the caller', () => {
    expect(validateEvent('shop.unknown.thing.v1', {})).toEqual({ ok: 'unknown-subject' });
  });

  it('derives a JSON Schema with the required fields of each payload', () => {
    const schema = eventJsonSchema('shop.products.stock_changed.v1');
    expect(schema).toMatchObject({ type: 'object', additionalProperties: false });
    expect(schema['required']).toEqual(expect.arrayContaining(['product_id', 'stock', 'previous_stock', 'delta', 'reason', 'order_id']));
  });
});

describe('committed AsyncAPI document', () => {
  it('is the one the catalog generates (regenerate with `npx nx run contracts:asyncapi`)', () => {
    const committed = readFileSync(new URL('../../asyncapi/events.asyncapi.json', import.meta.url), 'utf8');
    expect(committed).toBe(renderAsyncApiDocument());
  });

  it('has a channel, an operation and a message per subject', () => {
    const document = JSON.parse(renderAsyncApiDocument()) as { channels: Record<string, { address: string }>; components: { messages: object } };
    expect(
      Object.values(document.channels)
        .map((channel) => channel.address)
        .sort(),
    ).toEqual(Object.keys(EVENT_CATALOG).sort());
    expect(Object.keys(document.components.messages)).toHaveLength(Object.keys(EVENT_CATALOG).length);
  });
});
