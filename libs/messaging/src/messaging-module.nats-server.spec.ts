import { Controller, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, MessagePattern, Payload, type MicroserviceOptions } from '@nestjs/microservices';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { TypeOrmModule } from '@nestjs/typeorm';
import { jetstreamManager } from '@nats-io/jetstream';
import { createDataSourceOptions } from '@offramp/persistence';
import { startNatsServer, tempSqlite, waitUntil, type NatsServerHandle, type TempSqlite } from '@offramp/testing';
import { NatsConnectionManager } from './connection/nats-connection.manager.js';
import { JetStreamEvent } from './consumer/jetstream.server.js';
import type { JetStreamContext } from './consumer/jetstream.context.js';
import { IdempotentConsumer } from './inbox/idempotent-consumer.js';
import { createInboxTableSql } from './inbox/inbox.migration.js';
import { DEAD_LETTER_STREAM, DEAD_LETTER_SUBJECT_PREFIX } from './jetstream/definitions.js';
import { EventHeader } from './jetstream/event-headers.js';
import { provisionStreams } from './jetstream/provisioner.js';
import { MessagingModule, startJetStreamConsumers } from './messaging.module.js';
import { EventPublisher } from './publisher/event-publisher.js';
import { natsRequestReplyServer, RequestReplyModule, RequestTimeoutError, ServiceClient } from './request-reply/request-reply.js';

const STREAM = { name: 'MODULE_TEST', subjects: ['test.>'], duplicateWindowMs: 600_000 };

describe('MessagingModule in a Nest application, against a real nats-server', () => {
  let server: NatsServerHandle;
  let database: TempSqlite;

  beforeAll(async () => {
    server = await startNatsServer();
    database = tempSqlite();
  });
  afterAll(async () => {
    await server.stop();
    database.remove();
  });

  it('declares streams idempotently and applies changed settings', async () => {
    const nats = new NatsConnectionManager({ url: server.url, name: 'provision-test' });
    try {
      const jsm = await jetstreamManager(await nats.connected());
      const definition = { name: 'PROVISION_TEST', subjects: ['prov.>'], maxAgeMs: 60_000, duplicateWindowMs: 30_000 };
      await provisionStreams(jsm, [definition]);
      await provisionStreams(jsm, [definition]);
      await provisionStreams(jsm, [{ ...definition, maxAgeMs: 120_000 }]);
      const { config } = await jsm.streams.info('PROVISION_TEST');
      expect(config.max_age).toBe(120_000 * 1_000_000);
      expect(config.duplicate_window).toBe(30_000 * 1_000_000);
    } finally {
      await nats.close();
    }
  });

  it('runs @JetStreamEvent handlers of a hybrid app and, on close, finishes the running ones before draining', async () => {
    const started: string[] = [];
    const finished: string[] = [];

    @Injectable()
    class Sales {
      constructor(private readonly once: IdempotentConsumer) {}

      record(ctx: JetStreamContext) {
        return this.once.run(ctx, (manager) => manager.query('INSERT INTO effects (event_id) VALUES (?)', [ctx.getEventId()]));
      }
    }

    @Controller()
    class SalesController {
      constructor(private readonly sales: Sales) {}

      @JetStreamEvent('test.slow.recorded.v1')
      async slow(@Payload() _payload: unknown, @Ctx() ctx: JetStreamContext) {
        started.push(ctx.getEventId());
        await new Promise((resolve) => setTimeout(resolve, 400));
        await this.sales.record(ctx);
        finished.push(ctx.getEventId());
      }
    }

    @Module({
      imports: [TypeOrmModule.forRoot(createDataSourceOptions({ url: database.url })), MessagingModule.forRoot({ url: server.url, name: 'module-test' })],
      controllers: [SalesController],
      providers: [Sales],
    })
    class AppModule {}

    const app = await NestFactory.create(AppModule, new FastifyAdapter(), { logger: ['error'] });
    await app.init();
    const dataSource = app.get(IdempotentConsumer)['dataSource'];
    await dataSource.query(createInboxTableSql('better-sqlite3'));
    await dataSource.query('CREATE TABLE effects (id INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL)');
    await startJetStreamConsumers(app, {
      streams: [STREAM],
      consumers: [{ stream: STREAM.name, durable: 'slow', filterSubjects: ['test.slow.recorded.v1'], concurrency: 2, pullExpiresMs: 1_000 }],
    });

    const publisher = app.get(EventPublisher);
    const ids: string[] = [];
    for (let i = 0; i < 6; i += 1) ids.push((await publisher.publish('test.slow.recorded.v1', { i })).eventId);
    await waitUntil(() => started.length >= 2, { description: 'two handlers running' });

    await app.close(); // stop pulling, let the two running handlers finish, drain
    expect(finished.length).toBeGreaterThanOrEqual(2);
    expect(finished.sort()).toEqual([...started].sort());

    // What was pulled but not started, or not pulled, goes to the next instance: every event
    // handled, none twice.
    const next = await NestFactory.create(AppModule, new FastifyAdapter(), { logger: ['error'] });
    await next.init();
    await startJetStreamConsumers(next, {
      streams: [STREAM],
      consumers: [{ stream: STREAM.name, durable: 'slow', filterSubjects: ['test.slow.recorded.v1'], concurrency: 2, pullExpiresMs: 1_000 }],
    });
    try {
      const nextDb = next.get(IdempotentConsumer)['dataSource'];
      const rows = await waitUntil(
        async () => {
          const found = (await nextDb.query('SELECT event_id FROM effects')) as Array<{ event_id: string }>;
          return found.length >= ids.length ? found : undefined;
        },
        { timeoutMs: 20_000, description: 'all six events handled' },
      );
      expect(rows.map((row) => row.event_id).sort()).toEqual([...ids].sort());
    } finally {
      await next.close();
    }
  });

  it("hands a @JetStreamEvent handler's own error to the transport, with no filter of the service's own", async () => {
    class StockNotReservedError extends Error {}

    @Controller()
    class ReservationsController {
      @JetStreamEvent('test.reservations.requested.v1')
      reserve(@Payload() payload: { sku: string }) {
        throw new StockNotReservedError(`no stock for ${payload.sku}`);
      }
    }

    @Module({ imports: [MessagingModule.forRoot({ url: server.url, name: 'filter-test' })], controllers: [ReservationsController] })
    class AppModule {}

    const app = await NestFactory.create(AppModule, new FastifyAdapter(), { logger: false });
    await app.init();
    try {
      await startJetStreamConsumers(app, {
        streams: [STREAM],
        consumers: [{ stream: STREAM.name, durable: 'reservations', filterSubjects: ['test.reservations.requested.v1'], maxDeliver: 1 }],
      });
      const { eventId } = await app.get(EventPublisher).publish('test.reservations.requested.v1', { sku: 'A-1' });
      const jsm = await jetstreamManager(await app.get(NatsConnectionManager).connected());
      const letter = await waitUntil(
        () => jsm.streams.getMessage(DEAD_LETTER_STREAM, { last_by_subj: `${DEAD_LETTER_SUBJECT_PREFIX}.reservations` }).catch(() => null),
        {
          description: 'the dead letter',
        },
      );
      expect(letter.header.get(EventHeader.eventId)).toBe(eventId);
      // Nest's own RPC filter would have put "Internal server error" here.
      expect(letter.header.get(EventHeader.deadLetterReason)).toBe('failed on delivery 1 of 1: no stock for A-1');
    } finally {
      await app.close();
    }
  });

  it('starts its consumers once JetStream can make them: here once the stream they read exists', async () => {
    const received: string[] = [];

    @Controller()
    class LateController {
      @JetStreamEvent('late.orders.placed.v1')
      placed(@Payload() payload: { n: number }) {
        received.push(String(payload.n));
      }
    }

    @Module({ imports: [MessagingModule.forRoot({ url: server.url, name: 'late-test' })], controllers: [LateController] })
    class AppModule {}

    const app = await NestFactory.create(AppModule, new FastifyAdapter(), { logger: false });
    await app.init();
    try {
      // The stream is another service's, and that service is not up yet.
      const started = startJetStreamConsumers(app, { consumers: [{ stream: 'LATE_ORDERS', durable: 'late', filterSubjects: ['late.orders.placed.v1'] }] });
      const outcome = await Promise.race([
        started.then(
          () => 'started',
          (error: Error) => `failed: ${error.message}`,
        ),
        new Promise((resolve) => setTimeout(() => resolve('waiting'), 700)),
      ]);
      expect(outcome).toBe('waiting');
      const jsm = await jetstreamManager(await app.get(NatsConnectionManager).connected());
      await provisionStreams(jsm, [{ name: 'LATE_ORDERS', subjects: ['late.>'], duplicateWindowMs: 60_000 }]);
      await started;
      await app.get(EventPublisher).publish('late.orders.placed.v1', { n: 7 });
      await waitUntil(() => received.length === 1, { timeoutMs: 10_000, description: 'the event handled' });
      expect(received).toEqual(['7']);
    } finally {
      await app.close();
    }
  });

  it('answers requests between services over Nest NATS, and gives up after the timeout', async () => {
    @Controller()
    class PricesController {
      @MessagePattern('catalog.prices.get')
      price(@Payload() request: { productId: number }) {
        return { productId: request.productId, priceCents: 1299 };
      }

      @MessagePattern('catalog.prices.slow')
      async slow() {
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        return { late: true };
      }
    }

    @Module({ controllers: [PricesController] })
    class PricesModule {}

    const responder = await NestFactory.createMicroservice<MicroserviceOptions>(PricesModule, {
      ...natsRequestReplyServer(server.url, 'catalog'),
      logger: ['error'],
    });
    await responder.listen();

    @Module({ imports: [RequestReplyModule.forRoot({ url: server.url, name: 'caller', timeoutMs: 500 })] })
    class CallerModule {}
    const caller = await NestFactory.createApplicationContext(CallerModule, { logger: ['error'] });
    try {
      const client = caller.get(ServiceClient);
      expect(await client.request('catalog.prices.get', { productId: 5 })).toEqual({ productId: 5, priceCents: 1299 });
      await expect(client.request('catalog.prices.slow', {}, 300)).rejects.toThrow(RequestTimeoutError);
      await expect(client.request('catalog.prices.slow', {})).rejects.toThrow('no reply to catalog.prices.slow within 500 ms');
      // Nobody listening at all: NATS says so at once.
      await expect(client.request('catalog.nobody.listens', {})).rejects.toThrow(/no subscribers/);
    } finally {
      await caller.close();
      await responder.close();
    }
  });
});
