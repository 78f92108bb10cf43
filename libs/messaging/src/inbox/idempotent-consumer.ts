import type { DataSource, EntityManager } from 'typeorm';
import type { JetStreamContext } from '../consumer/jetstream.context.js';
import { INBOX_TABLE } from './inbox.migration.js';

export interface InboxKey {
  consumer: string;
  eventId: string;
  subject: string;
}

export type OnceResult<T> = { applied: true; result: T } | { applied: false };

/**
 * Runs a handler's database writes at most once per (consumer, event id): the writes and the inbox
 * row commit in one transaction, and the transport acks only after that commit. A redelivered
 * event finds its inbox row, does nothing and is acked.
 *
 *   @EventPattern('shop.orders.placed.v1')
 *   handle(@Payload() order: OrderPlaced, @Ctx() ctx: JetStreamContext) {
 *     return this.once.run(ctx, (manager) => manager.insert(Sale, { … }));
 *   }
 */
export class IdempotentConsumer {
  /** SQLite has one connection per DataSource: its transactions take turns. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly dataSource: DataSource) {}

  run<T>(key: JetStreamContext | InboxKey, work: (manager: EntityManager) => Promise<T>): Promise<OnceResult<T>> {
    const inbox: InboxKey = 'getConsumer' in key ? { consumer: key.getConsumer(), eventId: key.getEventId(), subject: key.getSubject() } : key;
    const transaction = () =>
      this.dataSource.transaction(async (manager): Promise<OnceResult<T>> => {
        if (!(await claim(manager, inbox))) return { applied: false };
        return { applied: true, result: await work(manager) };
      });
    if (!this.serialises) return transaction();
    const next = this.queue.then(transaction, transaction);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private get serialises(): boolean {
    const type = this.dataSource.options.type;
    return type === 'better-sqlite3';
  }
}

/** Inserts the inbox row unless it is there: true when this transaction claimed the event. */
async function claim(manager: EntityManager, key: InboxKey): Promise<boolean> {
  const type = manager.connection.options.type;
  const now = new Date();
  const columns = `${INBOX_TABLE} (consumer, event_id, subject, processed_at)`;
  let sql: string;
  let params: unknown[];
  if (type === 'postgres') {
    sql = `INSERT INTO ${columns} VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`;
    params = [key.consumer, key.eventId, key.subject, now];
  } else if (type === 'mysql' || type === 'mariadb') {
    sql = `INSERT IGNORE INTO ${columns} VALUES (?, ?, ?, ?)`;
    params = [key.consumer, key.eventId, key.subject, now];
  } else {
    sql = `INSERT OR IGNORE INTO ${columns} VALUES (?, ?, ?, ?)`;
    params = [key.consumer, key.eventId, key.subject, now.toISOString()];
  }
  const runner = manager.queryRunner;
  if (!runner) throw new Error('IdempotentConsumer: claim() must run inside a transaction');
  const result = (await runner.query(sql, params, true)) as { affected?: number };
  return (result.affected ?? 0) > 0;
}
