import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify, parseEnv } from 'node:util';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { createUser } from '@nats-io/nkeys';
import { AuthorizationError, connect, PermissionViolationError, type NatsConnection } from '@nats-io/transport-node';
import { startNatsServer, tempDir, workspaceRoot, type NatsServerHandle, type TempDir } from '@offramp/testing';
import { natsSecurityOptions } from '../connection/nats-auth.js';
import { NatsConnectionManager } from '../connection/nats-connection.manager.js';
import { deadLetterStream, eventsStream } from '../jetstream/definitions.js';
import { provisionConsumers, provisionStreams } from '../jetstream/provisioner.js';
import { EventPublisher } from '../publisher/event-publisher.js';

const run = promisify(execFile);
const SERVICES = ['gateway', 'api', 'integrations', 'pipelines'] as const;
type Service = (typeof SERVICES)[number];

const ORDER_PLACED = {
  order_id: 1,
  user_id: 2,
  status: 'pending',
  total_cents: 1_000,
  currency: 'EUR',
  items: [{ product_id: 3, quantity: 1, unit_price_cents: 1_000 }],
  placed_at: '2026-01-31T12:00:00.123456Z',
};

/** The server's refusal, wherever nats.js put it (the error itself or the cause of a RequestError). */
function violationIn(error: unknown): PermissionViolationError | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (current instanceof PermissionViolationError) return current;
  }
  return undefined;
}

async function refusal(attempt: () => Promise<unknown>): Promise<PermissionViolationError | undefined> {
  try {
    await attempt();
  } catch (error) {
    return violationIn(error);
  }
  return undefined;
}

/** A subscription the server refuses is closed with the violation. */
async function subscriptionRefused(nc: NatsConnection, subject: string): Promise<PermissionViolationError | undefined> {
  const subscription = nc.subscribe(subject);
  await nc.flush();
  const closed = await Promise.race([
    subscription.closed,
    nc
      .flush()
      .then(() => nc.flush())
      .then(() => 'open' as const),
  ]);
  subscription.unsubscribe();
  return closed instanceof Error ? violationIn(closed) : undefined;
}

/**
 * docker/nats/offramp.conf, run by a real nats-server: each service's nkey may do what that
 * service does and nothing else. Without it (the server as compose and the stack ran it before),
 * any client could rewrite the gateway's route table.
 */
describe('NATS accounts and permissions per service (docker/nats/offramp.conf, real nats-server)', () => {
  let dir: TempDir;
  let server: NatsServerHandle;
  const seedFiles = {} as Record<Service, string>;
  const managers: NatsConnectionManager[] = [];
  const nc = {} as Record<Service, NatsConnection>;

  const connectAs = async (service: Service) => {
    const manager = new NatsConnectionManager({
      url: server.url,
      name: `${service}-permissions-test`,
      security: { nkeySeedFile: seedFiles[service] },
      inboxPrefix: `_INBOX_${service}`,
    });
    managers.push(manager);
    return manager;
  };

  beforeAll(async () => {
    dir = tempDir('offramp-nats-accounts-');
    // The keys as an operator makes them: seeds for the services, public keys for the server.
    await run(process.execPath, [join(workspaceRoot(), 'docker/make-credentials.mjs'), dir.path]);
    for (const service of SERVICES) seedFiles[service] = join(dir.path, `${service}.nk`);
    const env = parseEnv(readFileSync(join(dir.path, 'nkeys.env'), 'utf8')) as Record<string, string>;
    expect(Object.keys(env).sort()).toEqual(SERVICES.map((service) => `OFFRAMP_NKEY_${service.toUpperCase()}`).sort());
    server = await startNatsServer({ configFile: join(workspaceRoot(), 'docker/nats/offramp.conf'), env });
    for (const service of SERVICES) nc[service] = await (await connectAs(service)).connected();
  });

  afterAll(async () => {
    for (const manager of managers) await manager.close();
    await server?.stop();
    dir?.remove();
  });

  it('lets nobody in without a key, or with a key it does not list', async () => {
    await expect(connect({ servers: server.url, reconnect: false })).rejects.toBeInstanceOf(AuthorizationError);
    const stranger = join(dir.path, 'stranger.nk');
    writeFileSync(stranger, new TextDecoder().decode(createUser().getSeed()));
    await expect(connect({ servers: server.url, reconnect: false, ...natsSecurityOptions({ nkeySeedFile: stranger }) })).rejects.toBeInstanceOf(
      AuthorizationError,
    );
  });

  it('lets every service connect and answer its readiness ping with its own key', async () => {
    for (const manager of managers) expect(await manager.ping(2_000)).toBe(true);
  });

  describe('the route table (KV bucket offramp_routes)', () => {
    beforeAll(async () => {
      const routes = await new Kvm(nc.gateway).create('offramp_routes', { history: 10 });
      await routes.put('GET._api_products', JSON.stringify({ route: { state: 'legacy' } }));
    });

    it('the gateway creates, reads, watches and writes it', async () => {
      const routes = await new Kvm(nc.gateway).open('offramp_routes');
      const revision = await routes.put('GET._api_orders', JSON.stringify({ route: { state: 'service' } }));
      expect((await routes.get('GET._api_orders'))?.revision).toBe(revision);
      const watcher = await routes.watch();
      const seen: string[] = [];
      for await (const entry of watcher) {
        seen.push(entry.key);
        if (entry.delta === 0) break;
      }
      expect(seen.sort()).toEqual(['GET._api_orders', 'GET._api_products']);
      expect((await routes.status()).values).toBe(2);
    });

    it.each(['api', 'integrations', 'pipelines'] as const)('%s can neither write nor read it', async (service) => {
      const routes = await new Kvm(nc[service]).open('offramp_routes');
      expect(await refusal(() => routes.put('GET._api_orders', JSON.stringify({ route: { state: 'legacy' } })))).toMatchObject({
        operation: 'publish',
        subject: '$KV.offramp_routes.GET._api_orders',
      });
      expect(await refusal(() => routes.delete('GET._api_orders'))).toMatchObject({ operation: 'publish' });
      expect(await refusal(() => routes.get('GET._api_products'))).toMatchObject({ operation: 'publish' });
      expect(await refusal(() => new Kvm(nc[service]).create('offramp_routes'))).toMatchObject({ operation: 'publish' });
      expect(await refusal(async () => (await jetstreamManager(nc[service])).streams.delete('KV_offramp_routes'))).toBeDefined();
      const gateway = await new Kvm(nc.gateway).open('offramp_routes');
      expect(JSON.parse((await gateway.get('GET._api_orders'))?.string() ?? '{}')).toEqual({ route: { state: 'service' } });
    });
  });

  describe('shadow mismatch samples (stream OFFRAMP_SHADOW) and counts (KV offramp_shadow_stats)', () => {
    beforeAll(async () => {
      const jsm = await jetstreamManager(nc.gateway);
      await jsm.streams.add({ name: 'OFFRAMP_SHADOW', subjects: ['offramp.shadow.mismatch.>'], allow_direct: true });
      await jetstream(nc.gateway).publish('offramp.shadow.mismatch.GET._api_orders', JSON.stringify({ request: { headers: { cookie: 'secret' } } }));
      const stats = await new Kvm(nc.gateway).create('offramp_shadow_stats', { history: 1 });
      await stats.put('GET._api_orders.replica', JSON.stringify({ matches: 1, mismatches: 1 }));
    });

    it('the gateway reads them', async () => {
      const jsm = await jetstreamManager(nc.gateway);
      const sample = await jsm.direct.getMessage('OFFRAMP_SHADOW', { last_by_subj: 'offramp.shadow.mismatch.GET._api_orders' });
      expect(sample?.json()).toEqual({ request: { headers: { cookie: 'secret' } } });
      expect((await (await new Kvm(nc.gateway).open('offramp_shadow_stats')).get('GET._api_orders.replica'))?.json()).toEqual({ matches: 1, mismatches: 1 });
    });

    it.each(['api', 'integrations', 'pipelines'] as const)('%s cannot read them, nor listen for new ones', async (service) => {
      const jsm = await jetstreamManager(nc[service], { checkAPI: false });
      expect(await refusal(() => jsm.direct.getMessage('OFFRAMP_SHADOW', { last_by_subj: 'offramp.shadow.mismatch.GET._api_orders' }))).toMatchObject({
        operation: 'publish',
      });
      expect(await refusal(() => jsm.streams.getMessage('OFFRAMP_SHADOW', { seq: 1 }))).toMatchObject({ operation: 'publish' });
      expect(await refusal(() => jsm.streams.info('OFFRAMP_SHADOW'))).toMatchObject({ operation: 'publish' });
      expect(await refusal(() => jsm.consumers.add('OFFRAMP_SHADOW', { name: `${service}-peek`, ack_policy: AckPolicy.None }))).toMatchObject({
        operation: 'publish',
      });
      expect(await subscriptionRefused(nc[service], 'offramp.shadow.mismatch.>')).toMatchObject({ operation: 'subscription' });
      expect(await refusal(async () => (await new Kvm(nc[service]).open('offramp_shadow_stats')).put('GET._api_orders.replica', '{}'))).toMatchObject({
        operation: 'publish',
      });
    });
  });

  const INTEGRATIONS_DURABLE_NAME = 'integrations-partner-webhooks';

  describe('events (OFFRAMP_EVENTS): pipelines relays and consumes, the others neither', () => {
    // accounts.conf grants consumers by durable name: one of pipelines' own, and integrations' partner consumer
    const DURABLE = 'pipelines-sales-aggregate';

    beforeAll(async () => {
      const jsm = await jetstreamManager(nc.pipelines);
      await provisionStreams(jsm, [eventsStream(), deadLetterStream()]);
      await provisionConsumers(jsm, [{ stream: 'OFFRAMP_EVENTS', durable: DURABLE, filterSubjects: ['shop.orders.>'] }]);
    });

    it('pipelines publishes shop.orders.placed.v1 for the monolith, and reads and acks it on its own consumer', async () => {
      const published = await new EventPublisher(() => nc.pipelines).publish('shop.orders.placed.v1', ORDER_PLACED, { eventId: 'outbox-1' });
      expect(published).toMatchObject({ stream: 'OFFRAMP_EVENTS', duplicate: false });
      const consumer = await jetstream(nc.pipelines).consumers.get('OFFRAMP_EVENTS', DURABLE);
      const message = await consumer.next({ expires: 5_000 });
      expect(message?.json()).toEqual(ORDER_PLACED);
      expect(await message?.ackAck()).toBe(true);
    });

    it.each(['gateway', 'api', 'integrations'] as const)('%s cannot publish the monolith’s events', async (service) => {
      const js = jetstream(nc[service], { checkAPI: false });
      expect(
        await refusal(() => js.publish('shop.orders.placed.v1', JSON.stringify(ORDER_PLACED), { msgID: `forged-by-${service}`, timeout: 5_000 })),
      ).toMatchObject({
        operation: 'publish',
        subject: 'shop.orders.placed.v1',
      });
      expect((await (await jetstreamManager(nc.pipelines)).streams.info('OFFRAMP_EVENTS')).state.messages).toBe(1);
    });

    it.each(['gateway', 'api', 'integrations'] as const)('%s cannot read pipelines’ consumer, nor make its own on the stream', async (service) => {
      const js = jetstream(nc[service], { checkAPI: false });
      expect(await refusal(() => js.consumers.get('OFFRAMP_EVENTS', DURABLE))).toMatchObject({ operation: 'publish' });
      expect(
        await refusal(() =>
          nc[service].request(`$JS.API.CONSUMER.MSG.NEXT.OFFRAMP_EVENTS.${DURABLE}`, JSON.stringify({ batch: 1, no_wait: true }), { timeout: 5_000 }),
        ),
      ).toMatchObject({
        operation: 'publish',
      });
      const jsm = await jetstreamManager(nc[service], { checkAPI: false });
      expect(await refusal(() => jsm.consumers.add('OFFRAMP_EVENTS', { name: `${service}-copy`, ack_policy: AckPolicy.None }))).toMatchObject({
        operation: 'publish',
      });
      expect(await refusal(() => jsm.streams.getMessage('OFFRAMP_EVENTS', { seq: 1 }))).toMatchObject({ operation: 'publish' });
    });
  });

  it('integrations reads its own consumer of the events, and pipelines cannot read it', async () => {
    await provisionConsumers(await jetstreamManager(nc.integrations), [
      { stream: 'OFFRAMP_EVENTS', durable: INTEGRATIONS_DURABLE_NAME, filterSubjects: ['shop.orders.>'] },
    ]);
    const message = await (await jetstream(nc.integrations).consumers.get('OFFRAMP_EVENTS', INTEGRATIONS_DURABLE_NAME)).next({ expires: 5_000 });
    expect(message?.json()).toEqual(ORDER_PLACED);
    expect(await message?.ackAck()).toBe(true);
    expect(await refusal(() => jetstream(nc.pipelines, { checkAPI: false }).consumers.get('OFFRAMP_EVENTS', INTEGRATIONS_DURABLE_NAME))).toMatchObject({
      operation: 'publish',
    });
    expect(
      await refusal(() =>
        nc.pipelines.request(`$JS.API.CONSUMER.MSG.NEXT.OFFRAMP_EVENTS.${INTEGRATIONS_DURABLE_NAME}`, JSON.stringify({ batch: 1, no_wait: true }), {
          timeout: 5_000,
        }),
      ),
    ).toMatchObject({ operation: 'publish' });
  });

  it.each(SERVICES)('%s cannot listen to another service’s replies and deliveries, nor to every inbox', async (service) => {
    const other = service === 'gateway' ? 'pipelines' : 'gateway';
    expect(await subscriptionRefused(nc[service], `_INBOX_${other}.>`)).toMatchObject({ operation: 'subscription' });
    expect(await subscriptionRefused(nc[service], '_INBOX.>')).toMatchObject({ operation: 'subscription' });
    expect(await subscriptionRefused(nc[service], '>')).toMatchObject({ operation: 'subscription' });
    expect(await subscriptionRefused(nc[service], `_INBOX_${service}.probe`)).toBeUndefined();
  });
});
