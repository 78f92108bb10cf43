/** One row of the monolith's `offramp_outbox` table (apps/legacy's migration). */
export interface OutboxRow {
  id: number;
  eventId: string;
  aggregateType: string;
  aggregateId: string;
  eventType: string;
  payload: string;
  /** UTC, as written by PHP: `2026-01-31 12:00:00.123456`. */
  occurredAt: string;
}

/** `Y-m-d H:i:s.u` in UTC, the format apps/legacy's Outbox writes. */
export function outboxTimestamp(date = new Date()): string {
  return `${date.toISOString().replace('T', ' ').replace('Z', '')}000`;
}

/** Milliseconds since the epoch of an outbox timestamp (UTC, microseconds ignored past ms). */
export function parseOutboxTimestamp(value: string): number {
  const [date, time = '00:00:00'] = value.trim().split(/[ T]/);
  const [whole, fraction = ''] = time.replace(/Z|[+-]\d\d:?\d\d$/, '').split('.');
  return Date.parse(`${date}T${whole}.${(fraction + '000').slice(0, 3)}Z`);
}

export function toOutboxRow(raw: Record<string, unknown>): OutboxRow {
  return {
    id: Number(raw['id']),
    eventId: String(raw['event_id']).trim(),
    aggregateType: String(raw['aggregate_type']),
    aggregateId: String(raw['aggregate_id']),
    eventType: String(raw['event_type']),
    payload: String(raw['payload']),
    occurredAt: String(raw['occurred_at']),
  };
}
