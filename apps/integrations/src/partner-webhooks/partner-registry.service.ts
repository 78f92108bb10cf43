import { randomUUID } from 'node:crypto';
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, In, MoreThanOrEqual } from 'typeorm';
import { dialectOf, sqlParam, uuidv7 } from '@offramp/messaging';
import { DatabaseGate } from '@offramp/persistence';
import { type AdminActor, BlockedAddressError, InvalidInputException, type InvalidParam, OutboundAddressGuard, SERVICE_CONFIG } from '@offramp/platform';
import type { IntegrationsConfig } from '../integrations.config.js';
import { generatePartnerSecret, secretProblem } from './partner-secret.js';
import { Delivery, DeliveryAttempt, type DeliveryStatus, Partner } from './partner-tables.js';
import { PARTNER_REPLAYS_TABLE } from './partner-replays.js';
import type { DeliveryDto, PartnerDto, PartnerReplayListDto, RegisterPartnerRequest, UpdatePartnerRequest } from './partner.dto.js';

export const OUTBOUND_GUARD = Symbol('OUTBOUND_GUARD');

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Partners and their deliveries, as the admin API and the CLI see them. */
@Injectable()
export class PartnerRegistry {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly gate: DatabaseGate,
    @Inject(OUTBOUND_GUARD) private readonly guard: OutboundAddressGuard,
    @Inject(SERVICE_CONFIG) private readonly config: IntegrationsConfig,
  ) {}

  async register(input: RegisterPartnerRequest): Promise<PartnerDto> {
    const problems = [...(await this.urlProblems(input.url)), ...this.secretProblems('secret', input.secret)];
    if (problems.length > 0) throw new InvalidInputException(problems);
    const now = Date.now();
    const secret = input.secret ?? generatePartnerSecret();
    const partner: Partner = {
      id: randomUUID(),
      name: input.name,
      url: input.url,
      secrets: [secret],
      eventTypes: input.eventTypes,
      enabled: input.enabled ?? true,
      ordered: input.ordered ?? false,
      disabledReason: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.gate.write(() => this.dataSource.getRepository(Partner).insert(partner));
    return { ...partnerJson(partner), ...(input.secret ? {} : { secret }) };
  }

  async list(): Promise<PartnerDto[]> {
    const partners = await this.gate.read(() => this.dataSource.getRepository(Partner).find({ order: { createdAt: 'ASC' } }));
    return partners.map(partnerJson);
  }

  async update(id: string, input: UpdatePartnerRequest): Promise<PartnerDto> {
    const partner = await this.find(id);
    const problems = [...(input.url === undefined ? [] : await this.urlProblems(input.url)), ...this.secretProblems('rotateSecret', input.rotateSecret)];
    if (problems.length > 0) throw new InvalidInputException(problems);
    if (input.url !== undefined) partner.url = input.url;
    if (input.eventTypes !== undefined) partner.eventTypes = input.eventTypes;
    if (input.ordered !== undefined) partner.ordered = input.ordered;
    if (input.enabled !== undefined) {
      partner.enabled = input.enabled;
      if (input.enabled) partner.disabledReason = null;
    }
    // Rotation: the new secret signs first, the one before it keeps signing until the next rotation.
    if (input.rotateSecret !== undefined) partner.secrets = [input.rotateSecret, partner.secrets[0]];
    partner.updatedAt = Date.now();
    await this.gate.write(() => this.dataSource.getRepository(Partner).save(partner));
    return partnerJson(partner);
  }

  async find(id: string): Promise<Partner> {
    const partner = await this.gate.read(() => this.dataSource.getRepository(Partner).findOneBy({ id }));
    if (!partner) throw new NotFoundException(`no partner ${id}`);
    return partner;
  }

  async deliveries(partnerId: string, status?: DeliveryStatus, limit = 100): Promise<DeliveryDto[]> {
    await this.find(partnerId);
    const deliveries = await this.gate.read(() =>
      this.dataSource.getRepository(Delivery).find({ where: { partnerId, ...(status ? { status } : {}) }, order: { seq: 'DESC' }, take: limit }),
    );
    return this.withAttempts(deliveries);
  }

  async delivery(id: string): Promise<DeliveryDto> {
    const delivery = await this.gate.read(() => this.dataSource.getRepository(Delivery).findOneBy({ id }));
    if (!delivery) throw new NotFoundException(`no delivery ${id}`);
    return (await this.withAttempts([delivery]))[0];
  }

  /**
   * One delivery again, whatever became of it: pending at once, its attempts kept, counted on from them.
   * `actor` is trusted because it came with INTEGRATIONS_ADMIN_TOKEN (the gateway's relay, or an operator's CLI holding it).
   */
  async replay(id: string, actor: AdminActor): Promise<DeliveryDto> {
    const { partnerId } = await this.delivery(id);
    await this.gate.write(() =>
      this.dataSource.transaction(async (manager) => {
        await manager.getRepository(Delivery).update({ id }, { status: 'pending', nextAttemptAt: Date.now(), attempts: 0, lastError: null, deliveredAt: null });
        await this.record(manager, { partnerId, deliveryId: id, since: null, replayed: 1 }, actor);
      }),
    );
    return this.delivery(id);
  }

  /** Every dead delivery of a partner created since a time, again; recorded with who and why in the same transaction. */
  async replayFailures(partnerId: string, since: string, actor: AdminActor): Promise<number> {
    await this.find(partnerId);
    const from = Date.parse(since);
    if (Number.isNaN(from)) throw new InvalidInputException([{ name: 'since', reason: 'must be an ISO 8601 time' }]);
    return this.gate.write(() =>
      this.dataSource.transaction(async (manager) => {
        const result = await manager
          .getRepository(Delivery)
          .update(
            { partnerId, status: 'dead', createdAt: MoreThanOrEqual(from) },
            { status: 'pending', nextAttemptAt: Date.now(), attempts: 0, lastError: null },
          );
        const replayed = result.affected ?? 0;
        await this.record(manager, { partnerId, deliveryId: null, since: from, replayed }, actor);
        return replayed;
      }),
    );
  }

  /** The replays record, newest first. */
  async replays(limit: number): Promise<PartnerReplayListDto> {
    const rows = (await this.gate.read(() =>
      this.dataSource.query(
        `SELECT id, partner_id, delivery_id, since_ms, replayed, actor, reason, at_ms FROM ${PARTNER_REPLAYS_TABLE} ORDER BY at_ms DESC, id DESC LIMIT ${limit}`,
      ),
    )) as Array<Record<string, string | number | null>>;
    return {
      replays: rows.map((row) => ({
        id: String(row['id']),
        partnerId: String(row['partner_id']),
        deliveryId: row['delivery_id'] === null ? null : String(row['delivery_id']),
        since: row['since_ms'] === null ? null : new Date(Number(row['since_ms'])).toISOString(),
        replayed: Number(row['replayed']),
        actor: String(row['actor']),
        reason: String(row['reason']),
        at: new Date(Number(row['at_ms'])).toISOString(),
      })),
    };
  }

  private async record(
    manager: EntityManager,
    replay: { partnerId: string; deliveryId: string | null; since: number | null; replayed: number },
    actor: AdminActor,
  ): Promise<void> {
    const dialect = dialectOf(this.dataSource);
    const values = [uuidv7(), replay.partnerId, replay.deliveryId, replay.since, replay.replayed, actor.by, actor.reason, Date.now()];
    await manager.query(
      `INSERT INTO ${PARTNER_REPLAYS_TABLE} (id, partner_id, delivery_id, since_ms, replayed, actor, reason, at_ms) VALUES (${values.map((_, i) => sqlParam(dialect, i + 1)).join(', ')})`,
      values,
    );
  }

  private async withAttempts(deliveries: Delivery[]): Promise<DeliveryDto[]> {
    if (deliveries.length === 0) return [];
    const attempts = await this.gate.read(() =>
      this.dataSource.getRepository(DeliveryAttempt).find({ where: { deliveryId: In(deliveries.map((d) => d.id)) }, order: { attempt: 'ASC' } }),
    );
    return deliveries.map((delivery) => ({
      id: delivery.id,
      partnerId: delivery.partnerId,
      eventId: delivery.eventId,
      subject: delivery.subject,
      status: delivery.status,
      attempts: delivery.attempts,
      createdAt: new Date(delivery.createdAt).toISOString(),
      deliveredAt: iso(delivery.deliveredAt),
      nextAttemptAt: delivery.status === 'pending' ? iso(delivery.nextAttemptAt) : null,
      lastError: delivery.lastError,
      attemptLog: attempts
        .filter((attempt) => attempt.deliveryId === delivery.id)
        .map((attempt) => ({
          attempt: attempt.attempt,
          at: new Date(attempt.at).toISOString(),
          statusCode: attempt.statusCode,
          latencyMs: attempt.latencyMs,
          error: attempt.error,
          responseExcerpt: attempt.responseExcerpt,
        })),
    }));
  }

  private async urlProblems(raw: string): Promise<InvalidParam[]> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return [{ name: 'url', reason: 'must be an absolute http(s) URL' }];
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return [{ name: 'url', reason: 'must be an http(s) URL' }];
    if (url.username || url.password) return [{ name: 'url', reason: 'must not carry credentials' }];
    if (this.config.PARTNER_REQUIRE_HTTPS && url.protocol !== 'https:') return [{ name: 'url', reason: 'must be https' }];
    try {
      await this.guard.check(url);
    } catch (error) {
      if (error instanceof BlockedAddressError) return [{ name: 'url', reason: `${error.message} (PARTNER_ALLOWED_CIDRS)` }];
      return [{ name: 'url', reason: `host does not resolve (${(error as NodeJS.ErrnoException).code ?? 'error'})` }];
    }
    return [];
  }

  private secretProblems(field: string, secret: string | undefined): InvalidParam[] {
    const problem = secret === undefined ? undefined : secretProblem(secret);
    return problem ? [{ name: field, reason: problem }] : [];
  }
}

function partnerJson(partner: Partner): PartnerDto {
  return {
    id: partner.id,
    name: partner.name,
    url: partner.url,
    eventTypes: partner.eventTypes,
    enabled: partner.enabled,
    ordered: partner.ordered,
    disabledReason: partner.disabledReason,
    signingSecrets: partner.secrets.length,
  };
}
