import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { toHeaders } from '@offramp/messaging';
import { startNatsServer, startService, tempSqlite, waitUntil, type NatsServerHandle, type ServiceProcess, type TempSqlite } from '@offramp/testing';
import { Webhook } from 'standardwebhooks';

/** Services start slowly on a machine shared with other work: generous, never a timing assertion. */
const STARTUP_TIMEOUT_MS = 60_000;

/**
 * Partner webhooks out, on a real nats-server and real loopback receivers: registration through
 * the admin API (token, bad input refused with nothing written), one Standard Webhooks signed
 * delivery per partner per event (a redelivered event adds none), ordered per order, retries
 * honouring Retry-After, 410 disabling the endpoint, redirects never followed, dead letters with
 * every attempt, replay of one delivery and of a partner's failures, and a slow partner that does
 * not hold back a healthy one.
 */
const ADMIN_TOKEN = 'partner-e2e-admin-token-0123456789';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

interface Receiver {
  url: string;
  received: Received[];
  answer: (request: Received) => { status: number; headers?: Record<string, string>; delayMs?: number };
  close(): Promise<void>;
}

async function startReceiver(answer: Receiver['answer'] = () => ({ status: 204 })): Promise<Receiver> {
  const receiver = { received: [] as Received[], answer } as Receiver;
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const got = { headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      receiver.received.push(got);
      const { status, headers, delayMs } = receiver.answer(got);
      const timer = setTimeout(() => {
        timers.delete(timer);
        response.writeHead(status, headers).end('ok');
      }, delayMs ?? 0);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  receiver.close = async () => {
    for (const timer of timers) clearTimeout(timer);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return receiver;
}

describe('partner webhooks out (real nats-server, loopback receivers)', () => {
  let nats: NatsServerHandle;
  let database: TempSqlite;
  let slice: ServiceProcess;
  const receivers: Receiver[] = [];
  let sequence = 0;

  beforeAll(async () => {
    nats = await startNatsServer();
    database = tempSqlite('partners.sqlite');
    slice = await startService({
      app: 'integrations',
      timeoutMs: STARTUP_TIMEOUT_MS,
      env: {
        DATABASE_URL: database.url,
        NATS_URL: nats.url,
        LOG_LEVEL: 'warn',
        INTEGRATIONS_ADMIN_TOKEN: ADMIN_TOKEN,
        PARTNER_ALLOWED_CIDRS: '127.0.0.0/8',
        // The schedule's 99,305 s in about 5 s; Retry-After scaled alike.
        PARTNER_RETRY_TIME_SCALE: '0.00005',
        PARTNER_POLL_MS: '20',
        PARTNER_TIMEOUT_MS: '3000',
        PARTNER_MAX_IN_FLIGHT: '2',
      },
    });
  }, 60_000);

  afterAll(async () => {
    await slice?.stop('SIGTERM');
    for (const receiver of receivers) await receiver.close();
    await nats?.stop();
    database?.remove();
  });

  const receiver = async (answer?: Receiver['answer']) => {
    const started = await startReceiver(answer);
    receivers.push(started);
    return started;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test picks fields out of the admin API's JSON
  const admin = async (method: string, path: string, body?: unknown, token = ADMIN_TOKEN): Promise<{ status: number; json: any }> => {
    const response = await fetch(`${slice.url}/_offramp/integrations${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  };
  const register = async (url: string, extra: Record<string, unknown> = {}) => {
    const answer = await admin('POST', '/partners', { name: `p${receivers.length}`, url, eventTypes: ['shop.orders.*'], ...extra });
    expect(answer.status).toBe(201);
    return answer.json as { id: string; secret: string };
  };
  /** An order event as the relay publishes it (Nats-Msg-Id = event id), or a redelivery under another message id. */
  const publish = async (subject: 'shop.orders.placed.v1' | 'shop.orders.paid.v1', orderId: number, eventId = `evt-${(sequence += 1)}`, msgId = eventId) => {
    const connection = await connect({ servers: nats.url });
    try {
      const payload =
        subject === 'shop.orders.placed.v1'
          ? {
              order_id: orderId,
              user_id: 2,
              status: 'pending',
              total_cents: 1500,
              currency: 'USD',
              items: [{ product_id: 1, quantity: 1, unit_price_cents: 1500 }],
              placed_at: '2026-01-01T00:00:00.000000Z',
            }
          : {
              order_id: orderId,
              user_id: 2,
              status: 'paid',
              amount_cents: 1500,
              currency: 'USD',
              payment_event_id: `pay-${eventId}`,
              paid_at: '2026-01-01T00:00:01.000000Z',
            };
      const headers = toHeaders({ eventId, occurredAt: '2026-01-01T00:00:01.000000Z' });
      headers.set('Nats-Msg-Id', msgId);
      await jetstream(connection).publish(subject, JSON.stringify(payload), { headers });
    } finally {
      await connection.close();
    }
    return eventId;
  };
  const partnerCount = async () => (await admin('GET', '/partners')).json.partners.length;
  const deliveries = async (partnerId: string, status?: string) =>
    (await admin('GET', `/partners/${partnerId}/deliveries${status ? `?status=${status}` : ''}`)).json.deliveries;

  it('answers only with the admin token, and refuses every bad registration naming the field, writing nothing', async () => {
    expect((await admin('GET', '/partners', undefined, 'wrong-token-0123456789')).status).toBe(401);
    expect((await admin('GET', '/partners', undefined, '')).status).toBe(401);
    const before = await partnerCount();
    const bad: Array<[unknown, string]> = [
      [{ name: 'x', url: 'not a url', eventTypes: ['shop.orders.*'] }, 'url'],
      [{ name: 'x', url: 'ftp://127.0.0.1/x', eventTypes: ['shop.orders.*'] }, 'url'],
      [{ name: 'x', url: 'http://169.254.169.254/latest/meta-data', eventTypes: ['shop.orders.*'] }, 'url'],
      [{ name: 'x', url: 'http://10.0.0.7/hooks', eventTypes: ['shop.orders.*'] }, 'url'],
      [{ name: 'x', url: 'http://user:pw@127.0.0.1/hooks', eventTypes: ['shop.orders.*'] }, 'url'],
      [{ name: 'x', url: 'http://127.0.0.1:9/hooks', secret: 'whsec_c2hvcnQ=', eventTypes: ['shop.orders.*'] }, 'secret'],
      [{ name: 'x', url: 'http://127.0.0.1:9/hooks', secret: 'no-prefix-but-long-enough-0123456789', eventTypes: ['shop.orders.*'] }, 'secret'],
      [{ name: 'x', url: 'http://127.0.0.1:9/hooks', eventTypes: [] }, 'eventTypes'],
      [{ name: 'x', url: 'http://127.0.0.1:9/hooks', eventTypes: ['shop.products.*'] }, 'eventTypes'],
      [{ url: 'http://127.0.0.1:9/hooks', eventTypes: ['shop.orders.*'] }, 'name'],
    ];
    for (const [body, field] of bad) {
      const answer = await admin('POST', '/partners', body);
      expect({ body, status: answer.status, fields: answer.json['invalid-params']?.map((p: { name: string }) => p.name) }).toEqual({
        body,
        status: 400,
        fields: expect.arrayContaining([field]),
      });
    }
    expect(await partnerCount()).toBe(before);
  });

  it('delivers each event once per partner, signed per Standard Webhooks, in order per order for a partner that asks', async () => {
    const healthy = await receiver();
    const rotating = await receiver();
    const partner = await register(healthy.url, { ordered: true });
    const rotated = await register(rotating.url, { eventTypes: ['shop.orders.paid.v1'] });
    const newSecret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    expect((await admin('PATCH', `/partners/${rotated.id}`, { rotateSecret: newSecret })).json.signingSecrets).toBe(2);

    const placed = await publish('shop.orders.placed.v1', 41);
    const paid = await publish('shop.orders.paid.v1', 41);
    await publish('shop.orders.paid.v1', 41, paid, `${paid}-redelivered`); // at least once: the same event again
    await waitUntil(() => healthy.received.length >= 2 && rotating.received.length >= 1, { timeoutMs: 10_000, description: 'deliveries' });
    await new Promise((resolve) => setTimeout(resolve, 300)); // a duplicate would arrive by now

    expect(healthy.received.map((r) => r.headers['webhook-id'])).toEqual([placed, paid]);
    for (const got of healthy.received) {
      const verified = new Webhook(partner.secret).verify(got.body, got.headers as Record<string, string>) as { type: string; data: { order_id: number } };
      expect(verified.data.order_id).toBe(41);
    }
    expect(JSON.parse(healthy.received[1].body)).toMatchObject({
      type: 'shop.orders.paid.v1',
      timestamp: '2026-01-01T00:00:01.000000Z',
      data: { status: 'paid' },
    });
    // During the rotation both secrets sign: a partner on either one verifies.
    expect(rotating.received).toHaveLength(1);
    expect(String(rotating.received[0].headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of [newSecret, rotated.secret])
      expect(() => new Webhook(secret).verify(rotating.received[0].body, rotating.received[0].headers as Record<string, string>)).not.toThrow();
    expect((await deliveries(partner.id, 'delivered')).map((d: { eventId: string }) => d.eventId)).toEqual([paid, placed]);
  });

  it('retries a partner that is down (Retry-After honoured), delivers once late with the attempts listed; 410 disables; redirects are not followed', async () => {
    let down = true;
    const flaky = await receiver(() => (down ? { status: 503, headers: { 'retry-after': '2' } } : { status: 200 }));
    const gone = await receiver(() => ({ status: 410 }));
    const target = await receiver();
    const redirecting = await receiver(() => ({ status: 302, headers: { location: target.url } }));
    const [flakyPartner, gonePartner, redirectPartner] = [await register(flaky.url), await register(gone.url), await register(redirecting.url)];

    const eventId = await publish('shop.orders.paid.v1', 42);
    await waitUntil(() => flaky.received.length >= 3, { timeoutMs: 10_000, description: 'three attempts at the partner that is down' });
    down = false;
    await waitUntil(async () => (await deliveries(flakyPartner.id, 'delivered')).length === 1, { timeoutMs: 10_000, description: 'late delivery' });
    const [late] = await deliveries(flakyPartner.id, 'delivered');
    expect(late.eventId).toBe(eventId);
    expect(late.attemptLog.slice(0, 3).map((a: { statusCode: number }) => a.statusCode)).toEqual([503, 503, 503]);
    expect(late.attemptLog.at(-1).statusCode).toBe(200);
    const delivered = flaky.received.filter(() => true).length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(flaky.received).toHaveLength(delivered); // nothing after the success

    await waitUntil(async () => (await admin('GET', '/partners')).json.partners.find((p: { id: string }) => p.id === gonePartner.id).enabled === false, {
      timeoutMs: 10_000,
      description: '410 disables',
    });
    expect(gone.received).toHaveLength(1);
    expect((await admin('GET', '/partners')).json.partners.find((p: { id: string }) => p.id === gonePartner.id).disabledReason).toMatch(/^410 Gone from /);

    // Out of attempts: a dead letter with all 8 attempts, the redirect target never asked.
    await waitUntil(async () => (await deliveries(redirectPartner.id, 'dead')).length === 1, {
      timeoutMs: 20_000,
      intervalMs: 250,
      description: 'dead letter',
    });
    const [dead] = await deliveries(redirectPartner.id, 'dead');
    expect(dead.attemptLog).toHaveLength(8);
    expect(dead.attemptLog.every((a: { statusCode: number }) => a.statusCode === 302)).toBe(true);
    expect(dead.lastError).toBe('HTTP 302 (redirects are not followed)');
    expect(target.received).toHaveLength(0);

    // The partner fixes its URL: one delivery replayed, then all failures since a time.
    expect((await admin('PATCH', `/partners/${redirectPartner.id}`, { url: target.url })).status).toBe(200);
    // a replay without a reason: 400 naming it, the delivery still dead, nothing recorded
    for (const [path, body] of [
      [`/deliveries/${dead.id}/replay`, undefined],
      [`/deliveries/${dead.id}/replay`, { reason: ' ' }],
      [`/partners/${redirectPartner.id}/replay`, { since: '2000-01-01T00:00:00Z' }],
    ] as const) {
      const refused = await admin('POST', path, body);
      expect(refused.status).toBe(400);
      expect(refused.json['invalid-params']).toEqual([{ name: 'reason', reason: 'say why: the reason goes into the audit log' }]);
    }
    expect((await admin('GET', `/deliveries/${dead.id}`)).json.status).toBe('dead');
    expect((await admin('GET', '/replays')).json).toEqual({ replays: [] });
    const why = { by: 'jane@ops', reason: 'partner fixed its URL' };
    expect((await admin('POST', `/deliveries/${dead.id}/replay`, why)).json.status).toBe('pending');
    await waitUntil(() => target.received.length === 1, { timeoutMs: 10_000, description: 'replayed delivery' });
    expect(target.received[0].headers['webhook-id']).toBe(eventId);
    expect((await admin('POST', `/partners/${redirectPartner.id}/replay`, { since: '2000-01-01T00:00:00Z', ...why })).json).toEqual({ replayed: 0 });
    expect((await admin('POST', `/partners/${redirectPartner.id}/replay`, { since: 'yesterday', ...why })).status).toBe(400);
    // both replays recorded, newest first, with who and why
    expect((await admin('GET', '/replays?limit=10')).json.replays).toEqual([
      {
        id: expect.any(String),
        partnerId: redirectPartner.id,
        deliveryId: null,
        since: '2000-01-01T00:00:00.000Z',
        replayed: 0,
        ...{ actor: 'jane@ops' },
        reason: why.reason,
        at: expect.any(String),
      },
      {
        id: expect.any(String),
        partnerId: redirectPartner.id,
        deliveryId: dead.id,
        since: null,
        replayed: 1,
        actor: 'jane@ops',
        reason: why.reason,
        at: expect.any(String),
      },
    ]);
    expect((await admin('GET', '/replays?limit=0')).status).toBe(400);
  }, 60_000);

  it('lets a slow partner hold back only itself (bounded in flight per partner)', async () => {
    const slow = await receiver(() => ({ status: 200, delayMs: 1_500 }));
    const fast = await receiver();
    const [slowPartner] = [await register(slow.url), await register(fast.url)];
    const ids: string[] = [];
    for (let i = 0; i < 10; i += 1) ids.push(await publish('shop.orders.paid.v1', 100 + i));
    await waitUntil(() => ids.every((id) => fast.received.some((r) => r.headers['webhook-id'] === id)), {
      timeoutMs: 10_000,
      description: 'the fast partner has every event',
    });
    // When the fast partner had all ten, the slow one had been sent at most its two in flight.
    expect(slow.received.length).toBeLessThanOrEqual(2);
    expect((await deliveries(slowPartner.id, 'pending')).length).toBeGreaterThanOrEqual(8);
  }, 60_000);
});
