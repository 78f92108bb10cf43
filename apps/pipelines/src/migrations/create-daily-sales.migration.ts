import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DAILY_SALES_TABLE, SALES_ORDERS_TABLE } from '../sales-report/daily-sales.js';

/** The sales aggregate and the orders counted in it. IF NOT EXISTS: tables the service made itself before migrations are adopted. */
export class CreateOfframpDailySales1764100000100 implements MigrationInterface {
  name = 'CreateOfframpDailySales1764100000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE IF NOT EXISTS ${SALES_ORDERS_TABLE} (order_id BIGINT NOT NULL PRIMARY KEY)`);
    await runner.query(
      `CREATE TABLE IF NOT EXISTS ${DAILY_SALES_TABLE} (day CHAR(10) NOT NULL, currency CHAR(3) NOT NULL, orders INTEGER NOT NULL, items BIGINT NOT NULL, revenue_cents BIGINT NOT NULL, PRIMARY KEY (day, currency))`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${DAILY_SALES_TABLE}`);
    await runner.query(`DROP TABLE ${SALES_ORDERS_TABLE}`);
  }
}
