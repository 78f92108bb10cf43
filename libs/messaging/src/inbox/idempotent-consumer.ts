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
  /** SQLite: queued calls, committed together (group commit) by one writer at a time. */
  private readonly pending: Array<Pending<unknown>> = [];
  private flushing = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly maxGroup = 256,
  ) {}

  /**
   * Runs `work` and records the event in the inbox in one transaction, unless the inbox has it
   * already. Resolves after the commit, so the transport's ack follows it. `work` should only
   * write through the given manager: on SQLite it may share its transaction with other events
   * (group commit) and run again if a neighbour fails.
   */
  run<T>(key: JetStreamContext | InboxKey, work: (manager: EntityManager) => Promise<T>): Promise<OnceResult<T>> {
    const inbox = toInboxKey(key);
    if (!this.serialises) return this.runAlone(inbox, work);
    return new Promise<OnceResult<T>>((resolve, reject) => {
      this.pending.push({ inbox, work, resolve, reject } as Pending<unknown>);
      if (this.flushing) return;
      // The first group waits for the rest of this turn of the event loop: the messages of one
      // socket read arrive in one turn, and a group that started with the first of them alone
      // paid a whole transaction (BEGIN, COMMIT, its WAL pages) for one event.
      this.flushing = true;
      setImmediate(() => void this.flush());
    });
  }

  /**
   * Whether the inbox has the event already. For effects that cannot share the inbox's
   * transaction (a mail sent over SMTP): check, do it, then `run` with no writes to record it; a
   * crash between the effect and the record repeats the effect once.
   */
  async has(key: JetStreamContext | InboxKey): Promise<boolean> {
    const inbox = toInboxKey(key);
    const p = this.dataSource.options.type === 'postgres' ? ['$1', '$2'] : ['?', '?'];
    const rows = (await this.dataSource.query(`SELECT 1 AS seen FROM ${INBOX_TABLE} WHERE consumer = ${p[0]} AND event_id = ${p[1]}`, [
      inbox.consumer,
      inbox.eventId,
    ])) as unknown[];
    return rows.length > 0;
  }

  private runAlone<T>(inbox: InboxKey, work: (manager: EntityManager) => Promise<T>): Promise<OnceResult<T>> {
    return this.dataSource.transaction(async (manager): Promise<OnceResult<T>> => {
      if (!(await claim(manager, inbox))) return { applied: false };
      return { applied: true, result: await work(manager) };
    });
  }

  /**
   * SQLite has one writer and one connection per DataSource: calls queue up and each group
   * commits in one transaction. When one event of a group fails, the group is rolled back and
   * its events run again one transaction each, so only the failing one fails.
   */
  private async flush(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const group = this.pending.splice(0, this.maxGroup);
        if (group.length === 1) {
          await this.settleAlone(group[0]);
          continue;
        }
        let results: Array<OnceResult<unknown>>;
        try {
          results = await this.dataSource.transaction(async (manager) => {
            // One statement claims the whole group; only the claimed events do their work.
            const claimed = await claimMany(
              manager,
              group.map((item) => item.inbox),
            );
            const out: Array<OnceResult<unknown>> = [];
            for (const item of group) {
              const key = inboxKey(item.inbox);
              if (claimed.delete(key)) out.push({ applied: true, result: await item.work(manager) });
              else out.push({ applied: false });
            }
            return out;
          });
        } catch {
          for (const item of group) await this.settleAlone(item);
          continue;
        }
        group.forEach((item, index) => item.resolve(results[index]));
      }
    } finally {
      this.flushing = false;
    }
  }

  private async settleAlone(item: Pending<unknown>): Promise<void> {
    try {
      item.resolve(await this.runAlone(item.inbox, item.work));
    } catch (error) {
      item.reject(error);
    }
  }

  private get serialises(): boolean {
    return this.dataSource.options.type === 'better-sqlite3';
  }
}

interface Pending<T> {
  inbox: InboxKey;
  work: (manager: EntityManager) => Promise<T>;
  resolve: (result: OnceResult<T>) => void;
  reject: (error: unknown) => void;
}

function toInboxKey(key: JetStreamContext | InboxKey): InboxKey {
  return 'getConsumer' in key ? { consumer: key.getConsumer(), eventId: key.getEventId(), subject: key.getSubject() } : key;
}

const inboxKey = (key: InboxKey) => `${key.consumer}\u0000${key.eventId}`;

/**
 * SQLite: inserts the group's inbox rows with a few multi-row statements and returns the keys
 * it inserted (the ones not there before). Chunks are powers of two so that only a handful of
 * statement shapes exist: TypeORM's statement cache holds 100, and re-preparing costs more
 * than the insert.
 */
async function claimMany(manager: EntityManager, keys: InboxKey[]): Promise<Set<string>> {
  const runner = manager.queryRunner;
  if (!runner) throw new Error('IdempotentConsumer: claimMany() must run inside a transaction');
  const now = new Date().toISOString();
  const claimed = new Set<string>();
  let offset = 0;
  while (offset < keys.length) {
    let size = 1;
    while (size * 2 <= Math.min(keys.length - offset, 128)) size *= 2;
    const chunk = keys.slice(offset, offset + size);
    offset += size;
    const values = chunk.map(() => '(?, ?, ?, ?)').join(', ');
    const params = chunk.flatMap((key) => [key.consumer, key.eventId, key.subject, now]);
    const rows = (await runner.query(
      `INSERT INTO ${INBOX_TABLE} (consumer, event_id, subject, processed_at) VALUES ${values} ON CONFLICT DO NOTHING RETURNING consumer, event_id`,
      params,
    )) as Array<{ consumer: string; event_id: string }>;
    for (const row of rows) claimed.add(inboxKey({ consumer: row.consumer, eventId: row.event_id, subject: '' }));
  }
  return claimed;
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
