import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { deliverySchedule, type DeliverySchedule, dialectOf, retryAfterMs } from '@offramp/messaging';
import { DatabaseGate } from '@offramp/persistence';
import { type OutboundAddressGuard, SERVICE_CONFIG } from '@offramp/platform';
import type { IntegrationsConfig } from '../integrations.config.js';
import { DeliveryStatements } from './delivery-statements.js';
import { type AttemptResult, PartnerSender } from './partner-sender.js';
import { Delivery, DeliveryAttempt, Partner } from './partner-tables.js';
import { OUTBOUND_GUARD } from './partner-registry.service.js';

/**
 * Sends due deliveries: at most PARTNER_MAX_IN_FLIGHT at once per partner, so one slow or dead
 * partner never delays the others; for a partner that asked for order, only the oldest pending
 * delivery of each aggregate. A delivery is claimed by moving its due time ahead (a lease, with a
 * conditional UPDATE), so replicas never send one twice at once. 2xx: delivered; 410: the partner
 * is disabled; anything else is retried on the Standard Webhooks schedule (a longer Retry-After on
 * 429/503 wins), and a delivery out of attempts is dead, its attempts kept.
 */
@Injectable()
export class PartnerDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PartnerDispatcher');
  private readonly sender: PartnerSender;
  private readonly schedule: DeliverySchedule;
  private readonly statements: DeliveryStatements;
  private readonly inFlight = new Map<string, number>();
  private readonly sending = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private ticking = false;
  private again = false;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly gate: DatabaseGate,
    @Inject(OUTBOUND_GUARD) guard: OutboundAddressGuard,
    @Inject(SERVICE_CONFIG) private readonly config: IntegrationsConfig,
  ) {
    this.sender = new PartnerSender(guard, config.PARTNER_TIMEOUT_MS);
    this.schedule = deliverySchedule({ timeScale: config.PARTNER_RETRY_TIME_SCALE });
    this.statements = new DeliveryStatements(dialectOf(dataSource));
  }

  onApplicationBootstrap(): void {
    if (this.config.PARTNER_DELIVERIES_ENABLED) this.arm(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.allSettled([...this.sending]);
    await this.sender.close();
  }

  /** New deliveries were recorded: look now rather than at the next poll. */
  wake(): void {
    if (this.config.PARTNER_DELIVERIES_ENABLED) this.arm(0);
  }

  private arm(delayMs: number): void {
    if (this.stopped) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.ticking = true;
    try {
      await this.dispatchDue();
    } catch (error) {
      this.logger.error({ err: error }, 'dispatching partner deliveries failed; trying again');
    } finally {
      this.ticking = false;
      const again = this.again;
      this.again = false;
      this.arm(again ? 0 : this.config.PARTNER_POLL_MS);
    }
  }

  private async dispatchDue(): Promise<void> {
    const partners = new Map((await this.gate.read(() => this.dataSource.getRepository(Partner).findBy({ enabled: true }))).map((p) => [p.id, p]));
    if (partners.size === 0) return;
    const now = Date.now();
    // Each partner's due rows on their own, no more than it has free slots: one oldest-first list
    // for all of them filled up with the down partner's retries (all due, none sendable past its
    // slots) and kept the healthy partners' new deliveries out of the tick.
    const due: Delivery[] = [];
    for (const partner of partners.values()) {
      const free = this.config.PARTNER_MAX_IN_FLIGHT - (this.inFlight.get(partner.id) ?? 0);
      if (free <= 0) continue;
      // An ordered partner's sendable rows are the heads of their aggregates, found among the due ones.
      const rows = await this.gate.read(() => this.statements.due(this.dataSource.manager, partner.id, now, partner.ordered ? 1_000 : free));
      due.push(...rows);
    }
    const heads = await this.orderedHeads([...partners.values()].filter((p) => p.ordered));
    const chosen: Delivery[] = [];
    const planned = new Map<string, number>();
    for (const delivery of due) {
      const partner = partners.get(delivery.partnerId);
      if (!partner) continue;
      const busy = (this.inFlight.get(partner.id) ?? 0) + (planned.get(partner.id) ?? 0);
      if (busy >= this.config.PARTNER_MAX_IN_FLIGHT) continue;
      if (partner.ordered && heads.get(`${partner.id}|${delivery.aggregateId}`) !== delivery.seq) continue;
      planned.set(partner.id, (planned.get(partner.id) ?? 0) + 1);
      chosen.push(delivery);
    }
    for (const delivery of await this.claim(chosen, now)) {
      const partner = partners.get(delivery.partnerId) as Partner;
      this.inFlight.set(partner.id, (this.inFlight.get(partner.id) ?? 0) + 1);
      let released = false;
      // The slot bounds requests to the partner, so it is free once the answer is in: a slot held
      // until the attempt was written waited for the writes queued ahead (every consumed event's
      // transaction) and capped a healthy partner at 8 per write round trip. The row stays claimed
      // (its due time is the lease) until the attempt is written.
      const release = () => {
        if (released) return;
        released = true;
        this.inFlight.set(partner.id, (this.inFlight.get(partner.id) ?? 1) - 1);
        this.wake();
      };
      const sent = this.attempt(partner, delivery, release)
        // Not recorded: the claim's lease runs out and the delivery is tried again.
        .catch((error: unknown) => this.logger.error({ err: error, delivery: delivery.id }, 'recording a delivery attempt failed'))
        .finally(() => {
          release();
          this.sending.delete(sent);
          // Written: an ordered partner's next delivery of the aggregate is now the head.
          this.wake();
        });
      this.sending.add(sent);
    }
  }

  /** The oldest pending delivery (by stream sequence) per partner and aggregate, for ordered partners. */
  private async orderedHeads(ordered: Partner[]): Promise<Map<string, number>> {
    if (ordered.length === 0) return new Map();
    const rows: Array<{ partner_id: string; aggregate_id: string; head: string | number }> = await this.gate.read(() =>
      this.dataSource
        .getRepository(Delivery)
        .createQueryBuilder('d')
        .select('d.partner_id', 'partner_id')
        .addSelect('d.aggregate_id', 'aggregate_id')
        .addSelect('MIN(d.seq)', 'head')
        .where("d.status = 'pending' AND d.partner_id IN (:...ids)", { ids: ordered.map((p) => p.id) })
        .groupBy('d.partner_id')
        .addGroupBy('d.aggregate_id')
        .getRawMany(),
    );
    return new Map(rows.map((row) => [`${row.partner_id}|${row.aggregate_id}`, Number(row.head)]));
  }

  /**
   * Claims due deliveries in one transaction: each one's due time moves ahead by a lease, only where
   * no one moved it first; the rows this changed are ours. One UPDATE per row by its primary key:
   * with `id IN (…)` beside the due conditions SQLite's planner took the (status, next_attempt_at)
   * index and scanned every due row, 7.5 ms a claim once the down partner's retries piled up.
   */
  private async claim(deliveries: Delivery[], now: number): Promise<Delivery[]> {
    if (deliveries.length === 0) return [];
    const claim = randomUUID();
    const lease = now + this.config.PARTNER_TIMEOUT_MS + 5_000;
    return this.gate.write(() =>
      this.dataSource.transaction(async (manager) => {
        const ours: Delivery[] = [];
        for (const delivery of deliveries) {
          if (await this.statements.claim(manager, delivery.id, claim, lease, now)) ours.push(delivery);
        }
        return ours;
      }),
    );
  }

  /** Attempt results waiting to be written, in one transaction for all of them. */
  private readonly results: Array<{
    partner: Partner;
    delivery: Delivery;
    result: AttemptResult;
    at: number;
    done: () => void;
    failed: (error: unknown) => void;
  }> = [];
  private flushing?: Promise<void>;

  private attempt(partner: Partner, delivery: Delivery, answered: () => void): Promise<void> {
    return this.sender
      .send(partner, delivery)
      .finally(answered)
      .then(
        (result) =>
          new Promise<void>((done, failed) => {
            this.results.push({ partner, delivery, result, at: Date.now(), done, failed });
            this.startFlush();
          }),
      );
  }

  private startFlush(): void {
    if (this.flushing) return;
    // A result pushed after the loop's last look but before this settles would otherwise wait for the next one.
    this.flushing = this.flush().finally(() => {
      this.flushing = undefined;
      if (this.results.length > 0) this.startFlush();
    });
  }

  private async flush(): Promise<void> {
    // Lets the attempts finishing about now join this transaction.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.results.length > 0) {
      const batch = this.results.splice(0, 500);
      try {
        await this.gate.write(() => this.dataSource.transaction((manager) => this.record(manager, batch)));
        for (const entry of batch) entry.done();
      } catch (error) {
        for (const entry of batch) entry.failed(error);
      }
    }
  }

  private async record(manager: EntityManager, batch: typeof this.results): Promise<void> {
    const attempts: DeliveryAttempt[] = [];
    for (const { partner, delivery, result, at } of batch) {
      const made = delivery.attempts + 1;
      const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
      const gone = result.statusCode === 410;
      const lastError = ok ? null : describeFailure(result);
      const waitMs = ok || gone ? undefined : this.schedule.delayAfter(made, retryAfterFor(result));
      const attempt = delivery.attemptsTotal + 1;
      const { statusCode, latencyMs, error, responseExcerpt } = result;
      attempts.push({ deliveryId: delivery.id, attempt, at, statusCode, latencyMs, error, responseExcerpt });
      if (gone) {
        await manager.update(
          Partner,
          { id: partner.id },
          { enabled: false, disabledReason: `410 Gone from ${partner.url} at ${new Date(at).toISOString()}`.slice(0, 255), updatedAt: at },
        );
        this.logger.warn(`partner ${partner.name} answered 410 Gone: disabled`);
      }
      const common = { attempts: made, attemptsTotal: attempt };
      await this.statements.record(
        manager,
        delivery.id,
        ok
          ? { ...common, status: 'delivered', deliveredAt: at, nextAttemptAt: null, lastError: null }
          : waitMs === undefined
            ? { ...common, status: 'dead', deliveredAt: null, nextAttemptAt: null, lastError }
            : { ...common, status: 'pending', deliveredAt: null, nextAttemptAt: at + waitMs, lastError },
      );
    }
    await this.statements.insertAttempts(manager, attempts);
  }
}

function retryAfterFor(result: AttemptResult): number | undefined {
  return result.statusCode === 429 || result.statusCode === 503 ? retryAfterMs(result.retryAfter) : undefined;
}

function describeFailure(result: AttemptResult): string {
  if (result.statusCode === null) return (result.error ?? 'no answer').slice(0, 255);
  if (result.statusCode >= 300 && result.statusCode < 400) return `HTTP ${result.statusCode} (redirects are not followed)`;
  return `HTTP ${result.statusCode}`;
}
