import type { MigrationInterface, QueryRunner } from 'typeorm';
import { PARTNER_REPLAYS_TABLE } from '../partner-webhooks/partner-replays.js';

/**
 * The replays record: one delivery (delivery_id) or a partner's dead deliveries since a time
 * (since_ms), how many were queued again, who and why. Times in epoch milliseconds, as the partner tables.
 */
export class CreateIntegrationsPartnerReplays1764100000300 implements MigrationInterface {
  name = 'CreateIntegrationsPartnerReplays1764100000300';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE TABLE ${PARTNER_REPLAYS_TABLE} (id CHAR(36) NOT NULL PRIMARY KEY, partner_id VARCHAR(64) NOT NULL, delivery_id VARCHAR(64) NULL, since_ms BIGINT NULL, replayed INTEGER NOT NULL, actor VARCHAR(1000) NOT NULL, reason VARCHAR(1000) NOT NULL, at_ms BIGINT NOT NULL)`,
    );
    await runner.query(`CREATE INDEX ${PARTNER_REPLAYS_TABLE}_at ON ${PARTNER_REPLAYS_TABLE} (at_ms)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${PARTNER_REPLAYS_TABLE}`);
  }
}
