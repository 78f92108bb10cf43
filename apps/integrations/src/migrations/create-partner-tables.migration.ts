import type { MigrationInterface, QueryRunner } from 'typeorm';
import { partnerTablesSql } from '../partner-webhooks/partner-tables.js';

/** Partners, deliveries and their attempts. The DDL says IF NOT EXISTS: tables the service made itself before migrations are adopted. */
export class CreateIntegrationsPartnerTables1764100000200 implements MigrationInterface {
  name = 'CreateIntegrationsPartnerTables1764100000200';

  async up(runner: QueryRunner): Promise<void> {
    for (const sql of partnerTablesSql()) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['integrations_delivery_attempts', 'integrations_deliveries', 'integrations_partners']) await runner.query(`DROP TABLE ${table}`);
  }
}
