import { dialectOf, sqlParam } from '@offramp/messaging';
import type { DataSource, EntityManager } from 'typeorm';

export const SCHEDULE_TABLE = 'offramp_schedule_slots';

/**
 * One row per schedule: the last period (hour number since the epoch, for an hourly schedule)
 * that a runner claimed. Claiming is one conditional upsert, so of any number of replicas exactly
 * one wins a period, on every database; a runner that was down over several periods claims only
 * the current one: what was missed is caught up once. The table is a migration (PIPELINES_MIGRATIONS).
 */
export class ScheduleSlots {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * True when this caller claimed `slot` of `name` (inside `db`'s transaction when given). A
   * schedule seen for the first time is claimed for its first period.
   */
  async claim(name: string, slot: number, db: DataSource | EntityManager = this.dataSource): Promise<boolean> {
    const dialect = dialectOf(this.dataSource);
    if (dialect === 'mysql') {
      // mysql2 counts found rows, so no ON DUPLICATE KEY UPDATE: a first claim inserts, a later one
      // updates only a row whose slot is older (found = changed).
      const inserted = (await db.query(`INSERT IGNORE INTO ${SCHEDULE_TABLE} (name, last_slot) VALUES (?, ?)`, [name, slot])) as { affectedRows?: number };
      if ((inserted.affectedRows ?? 0) > 0) return true;
      const updated = (await db.query(`UPDATE ${SCHEDULE_TABLE} SET last_slot = ? WHERE name = ? AND last_slot < ?`, [slot, name, slot])) as {
        affectedRows?: number;
      };
      return (updated.affectedRows ?? 0) > 0;
    }
    const p = (i: number) => sqlParam(dialect, i);
    const result = (await db.query(
      `INSERT INTO ${SCHEDULE_TABLE} (name, last_slot) VALUES (${p(1)}, ${p(2)})
       ON CONFLICT (name) DO UPDATE SET last_slot = excluded.last_slot WHERE ${SCHEDULE_TABLE}.last_slot < excluded.last_slot RETURNING name`,
      [name, slot],
    )) as unknown[] | [unknown[], number];
    const rows = dialect === 'postgres' && Array.isArray(result[0]) ? (result[0] as unknown[]) : result;
    return rows.length > 0;
  }
}

/** The hour number since the epoch (UTC). */
export const hourSlot = (now = Date.now()) => Math.floor(now / 3_600_000);
