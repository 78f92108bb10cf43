import { type Dialect, dialectOf, sqlParam } from '@offramp/messaging';
import type { DataSource, EntityManager } from 'typeorm';

export const DAILY_SALES_TABLE = 'offramp_daily_sales';
/** The orders counted in the aggregate: an order adds to it once, whether from the rebuild or its event, however often replayed. */
export const SALES_ORDERS_TABLE = 'offramp_sales_orders';

/** The UTC day (`YYYY-MM-DD`) of the monolith's `paid_at` (a UTC timestamp without zone), per database. */
function paidDay(dialect: Dialect): string {
  if (dialect === 'postgres') return `to_char(o.paid_at, 'YYYY-MM-DD')`;
  if (dialect === 'mysql') return `DATE_FORMAT(o.paid_at, '%Y-%m-%d')`;
  return `substr(o.paid_at, 1, 10)`;
}

/**
 * The sales report's aggregate: one row per UTC day of payment and currency, with the paid orders,
 * their units and their revenue, as ReportController::salesCsv adds them up order by order. Its
 * tables are a migration (PIPELINES_MIGRATIONS).
 */
export class DailySales {
  private readonly dialect: Dialect;

  constructor(private readonly dataSource: DataSource) {
    this.dialect = dialectOf(dataSource);
  }

  /** Day one: the aggregate recomputed from the orders table, in one transaction. */
  async rebuild(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`DELETE FROM ${DAILY_SALES_TABLE}`);
      await manager.query(`DELETE FROM ${SALES_ORDERS_TABLE}`);
      await manager.query(`INSERT INTO ${SALES_ORDERS_TABLE} (order_id) SELECT id FROM orders WHERE status = 'paid' AND paid_at IS NOT NULL`);
      await manager.query(
        `INSERT INTO ${DAILY_SALES_TABLE} (day, currency, orders, items, revenue_cents)
         SELECT ${paidDay(this.dialect)} AS day, o.currency, COUNT(*), COALESCE(SUM(i.units), 0), SUM(o.total_cents)
         FROM orders o LEFT JOIN (SELECT order_id, SUM(quantity) AS units FROM order_items GROUP BY order_id) i ON i.order_id = o.id
         WHERE o.status = 'paid' AND o.paid_at IS NOT NULL
         GROUP BY ${paidDay(this.dialect)}, o.currency`,
      );
      const [row] = (await manager.query(`SELECT COUNT(*) AS n FROM ${DAILY_SALES_TABLE}`)) as Array<{ n: number | string }>;
      return Number(row.n);
    });
  }

  /**
   * A paid order (shop.orders.paid.v1) added to its day, inside the consumer's inbox transaction;
   * false when the aggregate has it already. Its numbers come from the orders table, as the report's.
   */
  async addPaidOrder(manager: EntityManager, orderId: number): Promise<boolean> {
    const p = (i: number) => sqlParam(this.dialect, i);
    const claim =
      this.dialect === 'mysql'
        ? ((await manager.query(`INSERT IGNORE INTO ${SALES_ORDERS_TABLE} (order_id) VALUES (?)`, [orderId])) as { affectedRows?: number }).affectedRows
        : (
            (await manager.query(`INSERT INTO ${SALES_ORDERS_TABLE} (order_id) VALUES (${p(1)}) ON CONFLICT DO NOTHING RETURNING order_id`, [
              orderId,
            ])) as unknown[]
          ).length;
    if (!claim) return false;
    const [order] = (await manager.query(
      `SELECT ${paidDay(this.dialect)} AS day, o.currency, o.total_cents, (SELECT COALESCE(SUM(quantity), 0) FROM order_items WHERE order_id = o.id) AS units
       FROM orders o WHERE o.id = ${p(1)} AND o.status = 'paid' AND o.paid_at IS NOT NULL`,
      [orderId],
    )) as Array<{ day: string; currency: string; total_cents: number | string; units: number | string }>;
    if (!order) throw new Error(`order ${orderId} is not paid in the orders table`);
    const values = [order.day, order.currency, 1, Number(order.units), Number(order.total_cents)];
    if (this.dialect === 'mysql') {
      await manager.query(
        `INSERT INTO ${DAILY_SALES_TABLE} (day, currency, orders, items, revenue_cents) VALUES (?, ?, ?, ?, ?)
         ON DUPLICATE KEY UPDATE orders = orders + VALUES(orders), items = items + VALUES(items), revenue_cents = revenue_cents + VALUES(revenue_cents)`,
        values,
      );
    } else {
      const t = DAILY_SALES_TABLE;
      await manager.query(
        `INSERT INTO ${t} (day, currency, orders, items, revenue_cents) VALUES (${[1, 2, 3, 4, 5].map(p).join(', ')})
         ON CONFLICT (day, currency) DO UPDATE SET orders = ${t}.orders + excluded.orders, items = ${t}.items + excluded.items, revenue_cents = ${t}.revenue_cents + excluded.revenue_cents`,
        values,
      );
    }
    return true;
  }

  /** GET /reports/sales.csv of the monolith, byte for byte: `from`/`to` inclusive UTC days, rows by day then currency. */
  async csv(range: { from?: string; to?: string } = {}): Promise<string> {
    const where: string[] = [];
    const params: string[] = [];
    if (range.from) where.push(`day >= ${sqlParam(this.dialect, params.push(range.from))}`);
    if (range.to) where.push(`day <= ${sqlParam(this.dialect, params.push(range.to))}`);
    const rows = (await this.dataSource.query(
      `SELECT day, currency, orders, items, revenue_cents FROM ${DAILY_SALES_TABLE}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY day, currency`,
      params,
    )) as Array<{ day: string; currency: string; orders: number | string; items: number | string; revenue_cents: number | string }>;
    return `date,orders,items,revenue_cents,currency\n${rows.map((r) => `${r.day},${Number(r.orders)},${Number(r.items)},${Number(r.revenue_cents)},${r.currency.trim()}\n`).join('')}`;
  }
}
