import { Column, Entity, PrimaryColumn } from 'typeorm';

/** bigint columns come back as strings from MariaDB and PostgreSQL: epoch milliseconds as numbers. */
const epochMs = { from: (value: unknown) => (value === null || value === undefined ? null : Number(value)), to: (value: unknown) => value };
/** Lists kept as JSON text (portable across SQLite, MariaDB and PostgreSQL). */
const jsonList = { from: (value: string) => JSON.parse(value) as string[], to: (value: string[]) => JSON.stringify(value) };
const flag = { from: (value: unknown) => value === true || Number(value) === 1, to: (value: boolean) => (value ? 1 : 0) };

/** A partner endpoint registered through the admin API. The tables are the slice's own. */
@Entity({ name: 'integrations_partners' })
export class Partner {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ type: 'varchar', length: 100 }) name!: string;
  @Column({ type: 'varchar', length: 2048 }) url!: string;
  /** whsec_ secrets, newest first; all of them sign while a rotation is under way. */
  @Column({ type: 'text', transformer: jsonList }) secrets!: string[];
  /** Subjects or `shop.orders.*` patterns the partner wants. */
  @Column({ name: 'event_types', type: 'text', transformer: jsonList }) eventTypes!: string[];
  @Column({ type: 'integer', transformer: flag }) enabled!: boolean;
  /** One delivery at a time per aggregate (an order's events arrive in their order). */
  @Column({ type: 'integer', transformer: flag }) ordered!: boolean;
  @Column({ name: 'disabled_reason', type: 'varchar', length: 255, nullable: true }) disabledReason!: string | null;
  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs }) createdAt!: number;
  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs }) updatedAt!: number;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

/** One event for one partner: unique per (partner, event id), so a redelivered event adds nothing. */
@Entity({ name: 'integrations_deliveries' })
export class Delivery {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ name: 'partner_id', type: 'varchar', length: 36 }) partnerId!: string;
  @Column({ name: 'event_id', type: 'varchar', length: 64 }) eventId!: string;
  @Column({ type: 'varchar', length: 128 }) subject!: string;
  @Column({ name: 'aggregate_id', type: 'varchar', length: 64 }) aggregateId!: string;
  /** The event's place in the stream: the order deliveries of one aggregate keep. */
  @Column({ type: 'bigint', transformer: epochMs }) seq!: number;
  /** The request body sent, byte for byte the same on every attempt. */
  @Column({ type: 'text' }) body!: string;
  @Column({ type: 'varchar', length: 16 }) status!: DeliveryStatus;
  /** Attempts in the current round of the schedule (a replay starts a new one; the attempt log keeps all). */
  @Column({ type: 'integer' }) attempts!: number;
  /** Attempts ever made (the attempt log's last number). */
  @Column({ name: 'attempts_total', type: 'integer' }) attemptsTotal!: number;
  /** Who holds the claim of the attempt under way (one tick of one replica). */
  @Column({ name: 'claim', type: 'varchar', length: 36, nullable: true }) claim!: string | null;
  /** Due time; while an attempt runs, pushed ahead by the claim lease. */
  @Column({ name: 'next_attempt_at', type: 'bigint', transformer: epochMs }) nextAttemptAt!: number;
  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs }) createdAt!: number;
  @Column({ name: 'delivered_at', type: 'bigint', nullable: true, transformer: epochMs }) deliveredAt!: number | null;
  @Column({ name: 'last_error', type: 'varchar', length: 255, nullable: true }) lastError!: string | null;
}

/** Every attempt of a delivery: what a dead-letter record lists. */
@Entity({ name: 'integrations_delivery_attempts' })
export class DeliveryAttempt {
  @PrimaryColumn({ name: 'delivery_id', type: 'varchar', length: 36 }) deliveryId!: string;
  @PrimaryColumn({ type: 'integer' }) attempt!: number;
  @Column({ type: 'bigint', transformer: epochMs }) at!: number;
  @Column({ name: 'status_code', type: 'integer', nullable: true }) statusCode!: number | null;
  @Column({ name: 'latency_ms', type: 'integer' }) latencyMs!: number;
  @Column({ type: 'varchar', length: 255, nullable: true }) error!: string | null;
  @Column({ name: 'response_excerpt', type: 'varchar', length: 512, nullable: true }) responseExcerpt!: string | null;
}

export const PARTNER_ENTITIES = [Partner, Delivery, DeliveryAttempt];

/** CREATE TABLE IF NOT EXISTS for the three tables, made at start like the inbox. */
export function partnerTablesSql(): string[] {
  const big = 'BIGINT';
  return [
    `CREATE TABLE IF NOT EXISTS integrations_partners (
      id VARCHAR(36) NOT NULL PRIMARY KEY, name VARCHAR(100) NOT NULL, url VARCHAR(2048) NOT NULL, secrets TEXT NOT NULL,
      event_types TEXT NOT NULL, enabled INTEGER NOT NULL, ordered INTEGER NOT NULL, disabled_reason VARCHAR(255) NULL,
      created_at ${big} NOT NULL, updated_at ${big} NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS integrations_deliveries (
      id VARCHAR(36) NOT NULL PRIMARY KEY, partner_id VARCHAR(36) NOT NULL, event_id VARCHAR(64) NOT NULL, subject VARCHAR(128) NOT NULL,
      aggregate_id VARCHAR(64) NOT NULL, seq ${big} NOT NULL, body TEXT NOT NULL, status VARCHAR(16) NOT NULL, attempts INTEGER NOT NULL, attempts_total INTEGER NOT NULL, claim VARCHAR(36) NULL,
      next_attempt_at ${big} NOT NULL, created_at ${big} NOT NULL, delivered_at ${big} NULL, last_error VARCHAR(255) NULL,
      CONSTRAINT integrations_deliveries_once UNIQUE (partner_id, event_id))`,
    'CREATE INDEX IF NOT EXISTS integrations_deliveries_due ON integrations_deliveries (status, next_attempt_at)',
    // The dispatcher looks for each partner's due rows on their own.
    'CREATE INDEX IF NOT EXISTS integrations_deliveries_partner_due ON integrations_deliveries (partner_id, status, next_attempt_at)',
    `CREATE TABLE IF NOT EXISTS integrations_delivery_attempts (
      delivery_id VARCHAR(36) NOT NULL, attempt INTEGER NOT NULL, at ${big} NOT NULL, status_code INTEGER NULL, latency_ms INTEGER NOT NULL,
      error VARCHAR(255) NULL, response_excerpt VARCHAR(512) NULL, PRIMARY KEY (delivery_id, attempt))`,
  ];
}
