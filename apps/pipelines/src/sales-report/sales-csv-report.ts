import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { phpFalsy, validateLaravel, type LaravelRuleSet } from '@offramp/legacy-bridge';
import { LaravelValidationException } from '@offramp/legacy-bridge/nest';
import { dialectOf, sqlParam } from '@offramp/messaging';
import { DataSource } from 'typeorm';
import { DailySales } from './daily-sales.js';

/** ReportController::salesCsv's `$request->validate(...)`. */
const RULES: LaravelRuleSet = [
  ['from', ['nullable', 'date_format:Y-m-d']],
  ['to', ['nullable', 'date_format:Y-m-d']],
];

/** The report use case: who may read it, as EnsureAdmin decides, and the CSV from the aggregate. */
@Injectable()
export class SalesCsvReport {
  private readonly sales: DailySales;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.sales = new DailySales(dataSource);
  }

  /** EnsureAdmin's `$user->is_admin`, read from the monolith's users table (the gateway's Laravel-session identity carries no roles). */
  async isAdmin(userId: string): Promise<boolean> {
    if (!/^[0-9]+$/.test(userId)) return false;
    const [user] = (await this.dataSource.query(`SELECT is_admin FROM users WHERE id = ${sqlParam(dialectOf(this.dataSource), 1)}`, [userId])) as Array<{
      is_admin: unknown;
    }>;
    return user !== undefined && !phpFalsy(user.is_admin);
  }

  /** The CSV for the request input (`$request->all()`); a LaravelValidationException for a `from`/`to` the monolith refuses. */
  async csv(input: unknown): Promise<string> {
    const errors = validateLaravel(input, RULES);
    if (errors.size > 0) throw new LaravelValidationException(errors);
    const fields = (input && typeof input === 'object' && !Array.isArray(input) ? input : {}) as { from?: string | null; to?: string | null };
    return this.sales.csv({ from: fields.from ?? undefined, to: fields.to ?? undefined });
  }
}
