import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { OUTBOX_TABLE } from './outbox-store.js';

/**
 * A row of `offramp_outbox`, written exactly as the monolith's App\Offramp\Outbox::record() does,
 * in the same transaction as the change (`recordOutboxEvent`); the relay publishes it to JetStream.
 * A slice that records events lists this entity in its data source.
 */
@Entity({ name: OUTBOX_TABLE })
export class OutboxRecord {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: number;

  @Column({ name: 'event_id', type: 'varchar', length: 36 })
  eventId!: string;

  @Column({ name: 'aggregate_type', type: 'varchar', length: 64 })
  aggregateType!: string;

  @Column({ name: 'aggregate_id', type: 'varchar', length: 64 })
  aggregateId!: string;

  @Column({ name: 'event_type', type: 'varchar', length: 128 })
  eventType!: string;

  @Column({ type: 'text' })
  payload!: string;

  @Column({ name: 'occurred_at', type: 'varchar' })
  occurredAt!: string;

  @Column({ name: 'published_at', type: 'varchar', nullable: true })
  publishedAt!: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  /** W3C trace context of the change (`{"traceparent": …}`), so the relay's publish joins its trace. */
  @Column({ name: 'trace_context', type: 'varchar', length: 1024, nullable: true })
  traceContext!: string | null;
}
