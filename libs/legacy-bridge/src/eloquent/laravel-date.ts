import type { ValueTransformer } from 'typeorm';

const SQL_DATETIME = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?/;

/**
 * A datetime column as Eloquent serializes it: `2024-01-01T00:00:37.000000Z` (UTC, microseconds).
 * Drivers hand back a string (SQLite, and PostgreSQL with the raw timestamp parser) or a Date
 * (mysql2, read as UTC).
 */
export function laravelDate(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  const match = SQL_DATETIME.exec(String(value));
  if (!match) return String(value);
  return `${match[1]}T${match[2]}.${(match[3] ?? '').padEnd(6, '0')}Z`;
}

/** Entity columns keep Eloquent's JSON form when read, and take SQL strings when written. */
export const laravelDateTransformer: ValueTransformer = {
  from: (value: unknown) => laravelDate(value),
  to: (value: unknown) => value,
};

/** What Eloquent writes into created_at/updated_at: `Y-m-d H:i:s` in UTC. */
export function sqlTimestamp(date = new Date()): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}
