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
  /** `{"traceparent": …}` of the request that recorded it (null without one, or before the column existed). */
  traceContext: string | null;
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
    traceContext: typeof raw['trace_context'] === 'string' && raw['trace_context'] !== '' ? raw['trace_context'] : null,
  };
}
