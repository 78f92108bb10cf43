import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, In, LessThanOrEqual } from 'typeorm';
import { deliverySchedule, type DeliverySchedule, retryAfterMs } from '@offramp/messaging';
import { DatabaseGate } from '@offramp/persistence';
import { type OutboundAddressGuard, SERVICE_CONFIG } from '@offramp/platform';
import type { IntegrationsConfig } from '../integrations.config.js';
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
    const due = await this.gate.read(() =>
      this.dataSource.getRepository(Delivery).find({
        where: { status: 'pending', nextAttemptAt: LessThanOrEqual(now), partnerId: In([...partners.keys()]) },
        order: { nextAttemptAt: 'ASC', seq: 'ASC' },
        take: 1_000,
      }),
    );
    const heads = await this.orderedHeads([...partners.values()].filter((p) => p.ordered));
    for (const delivery of due) {
      const partner = partners.get(delivery.partnerId);
      if (!partner) continue;
      const busy = this.inFlight.get(partner.id) ?? 0;
      if (busy >= this.config.PARTNER_MAX_IN_FLIGHT) continue;
      if (partner.ordered && heads.get(`${partner.id}|${delivery.aggregateId}`) !== delivery.seq) continue;
      if (!(await this.claim(delivery, now))) continue;
      this.inFlight.set(partner.id, busy + 1);
      const sent = this.attempt(partner, delivery)
        // Not recorded: the claim's lease runs out and the delivery is tried again.
        .catch((error: unknown) => this.logger.error({ err: error, delivery: delivery.id }, 'recording a delivery attempt failed'))
        .finally(() => {
          this.inFlight.set(partner.id, (this.inFlight.get(partner.id) ?? 1) - 1);
          this.sending.delete(sent);
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

  /** Moves the due time ahead by a lease only if no one else did: the claim. */
  private async claim(delivery: Delivery, now: number): Promise<boolean> {
    const lease = now + this.config.PARTNER_TIMEOUT_MS + 5_000;
    const result = await this.gate.write(() =>
      this.dataSource.getRepository(Delivery).update({ id: delivery.id, status: 'pending', nextAttemptAt: delivery.nextAttemptAt }, { nextAttemptAt: lease }),
    );
    return result.affected === 1;
  }

  private async attempt(partner: Partner, delivery: Delivery): Promise<void> {
    const result = await this.sender.send(partner, delivery);
    const made = delivery.attempts + 1;
    const at = Date.now();
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const gone = result.statusCode === 410;
    const lastError = ok ? null : describeFailure(result);
    const waitMs = ok || gone ? undefined : this.schedule.delayAfter(made, retryAfterFor(result));
    await this.gate.write(() =>
      this.dataSource.transaction(async (manager) => {
        // Numbered over the delivery's whole life: a replay starts a new round of the schedule, the log goes on.
        const { last } = (await manager
          .getRepository(DeliveryAttempt)
          .createQueryBuilder('a')
          .select('MAX(a.attempt)', 'last')
          .where('a.delivery_id = :id', { id: delivery.id })
          .getRawOne<{ last: number | string | null }>()) ?? { last: null };
        const attempt = Number(last ?? 0) + 1;
        const { statusCode, latencyMs, error, responseExcerpt } = result;
        await manager.insert(DeliveryAttempt, { deliveryId: delivery.id, attempt, at, statusCode, latencyMs, error, responseExcerpt });
        if (gone) {
          await manager.update(
            Partner,
            { id: partner.id },
            { enabled: false, disabledReason: `410 Gone from ${partner.url} at ${new Date(at).toISOString()}`.slice(0, 255), updatedAt: at },
          );
        }
        await manager.update(
          Delivery,
          { id: delivery.id },
          ok
            ? { status: 'delivered', attempts: made, deliveredAt: at, lastError: null }
            : waitMs === undefined
              ? { status: 'dead', attempts: made, lastError }
              : { status: 'pending', attempts: made, nextAttemptAt: at + waitMs, lastError },
        );
      }),
    );
    if (gone) this.logger.warn(`partner ${partner.name} answered 410 Gone: disabled`);
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
