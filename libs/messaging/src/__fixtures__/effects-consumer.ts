// Test fixture (used by the specs and by consumer-process.ts): a Nest microservice whose
// handlers record their effects in a SQLite table through the idempotent-consumer helper, so
// tests count effects in the database rather than log lines.
import { Controller, type INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { createDataSourceOptions } from '@offramp/persistence';
import { NatsConnectionManager } from '../connection/nats-connection.manager.js';
import { JetStreamContext } from '../consumer/jetstream.context.js';
import { JetStreamExceptionFilter } from '../consumer/jetstream-exception.filter.js';
import { JetStreamEvent, JetStreamServer } from '../consumer/jetstream.server.js';
import type { ConsumerDefinition, StreamDefinition } from '../jetstream/definitions.js';
import { IdempotentConsumer } from '../inbox/idempotent-consumer.js';
import { createInboxTableSql } from '../inbox/inbox.migration.js';

export const TEST_STREAM: StreamDefinition = { name: 'TEST_EVENTS', subjects: ['test.>', 'shop.>'], duplicateWindowMs: 600_000 };

export interface Behaviour {
  /** Milliseconds each handler waits before writing (to have work in flight when killed). */
  delayMs?: number;
  /** Event ids whose first delivery never finishes. */
  hangOnFirstDelivery?: Set<string>;
  /** Subjects whose handler always throws. */
  failSubjects?: Set<string>;
}

export interface EffectsConsumer {
  app: INestMicroservice;
  dataSource: DataSource;
  nats: NatsConnectionManager;
  server: JetStreamServer;
  close(): Promise<void>;
}

export async function openEffectsDatabase(url: string): Promise<DataSource> {
  const dataSource = new DataSource(createDataSourceOptions({ url, busyTimeoutMs: 10_000 }));
  await dataSource.initialize();
  await dataSource.query(createInboxTableSql('better-sqlite3'));
  await dataSource.query(
    'CREATE TABLE IF NOT EXISTS effects (id INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, subject TEXT NOT NULL, delivery INTEGER NOT NULL)',
  );
  return dataSource;
}

export async function startEffectsConsumer(options: {
  natsUrl: string;
  databaseUrl: string;
  consumer: ConsumerDefinition;
  behaviour?: Behaviour;
}): Promise<EffectsConsumer> {
  const behaviour = options.behaviour ?? {};
  const dataSource = await openEffectsDatabase(options.databaseUrl);
  const once = new IdempotentConsumer(dataSource);
  const handle = async (subject: string, ctx: JetStreamContext) => {
    if (behaviour.hangOnFirstDelivery?.has(ctx.getEventId()) && ctx.getDeliveryCount() === 1) await new Promise(() => undefined);
    if (behaviour.failSubjects?.has(subject)) throw new Error(`boom on ${subject}`);
    if (behaviour.delayMs) await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
    await once.run(ctx, (manager) =>
      manager.query('INSERT INTO effects (event_id, subject, delivery) VALUES (?, ?, ?)', [ctx.getEventId(), subject, ctx.getDeliveryCount()]),
    );
  };

  @Controller()
  class EffectsController {
    // The plain Nest decorator works (typed through its generic overload)…
    @EventPattern<string>('test.effects.recorded.v1')
    recorded(@Payload() _payload: unknown, @Ctx() ctx: JetStreamContext) {
      return handle('test.effects.recorded.v1', ctx);
    }

    // …and so does the one bound to the JetStream transport.
    @JetStreamEvent('test.effects.failing.v1')
    failing(@Payload() _payload: unknown, @Ctx() ctx: JetStreamContext) {
      return handle('test.effects.failing.v1', ctx);
    }

    @JetStreamEvent('shop.orders.placed.v1')
    placed(@Payload() _payload: unknown, @Ctx() ctx: JetStreamContext) {
      return handle('shop.orders.placed.v1', ctx);
    }
  }

  @Module({ controllers: [EffectsController] })
  class EffectsModule {}

  const nats = new NatsConnectionManager({ url: options.natsUrl, name: `effects-${options.consumer.durable}` });
  const server = new JetStreamServer({ connection: nats, streams: [TEST_STREAM], consumers: [options.consumer], shutdownTimeoutMs: 5_000 });
  const app = await NestFactory.createMicroservice(EffectsModule, { strategy: server, logger: ['error'] });
  app.useGlobalFilters(new JetStreamExceptionFilter());
  await app.listen();
  return {
    app,
    dataSource,
    nats,
    server,
    async close() {
      await app.close();
      await nats.close();
      await dataSource.destroy();
    },
  };
}

export async function countEffects(dataSource: DataSource): Promise<{ total: number; distinct: number }> {
  const [row] = (await dataSource.query('SELECT COUNT(*) AS total, COUNT(DISTINCT event_id) AS distinctCount FROM effects')) as Array<{
    total: number;
    distinctCount: number;
  }>;
  return { total: Number(row.total), distinct: Number(row.distinctCount) };
}
