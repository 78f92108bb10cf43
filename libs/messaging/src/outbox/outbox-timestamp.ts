/**
 * Outbox times as the monolith's App\Offramp\Outbox writes them: UTC `Y-m-d H:i:s.u`, e.g.
 * `2026-01-31 12:00:00.123456`. The one format of occurred_at and published_at, for the writer
 * and the relay alike.
 */

/** Now with microseconds (a row's occurred_at), or the given time (its milliseconds, then `000`). */
export function outboxTimestamp(at?: Date): string {
  if (at) return `${at.toISOString().replace('T', ' ').replace('Z', '')}000`;
  const micros = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));
  const seconds = new Date(Number(micros / 1000n)).toISOString().slice(0, 19).replace('T', ' ');
  return `${seconds}.${String(micros % 1000000n).padStart(6, '0')}`;
}

/** Milliseconds since the epoch of an outbox timestamp (UTC, microseconds ignored past ms). */
export function parseOutboxTimestamp(value: string): number {
  const [date, time = '00:00:00'] = value.trim().split(/[ T]/);
  const [whole, fraction = ''] = time.replace(/Z|[+-]\d\d:?\d\d$/, '').split('.');
  return Date.parse(`${date}T${whole}.${(fraction + '000').slice(0, 3)}Z`);
}
