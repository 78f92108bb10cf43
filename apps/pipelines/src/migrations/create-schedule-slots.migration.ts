import type { MigrationInterface, QueryRunner } from 'typeorm';
import { SCHEDULE_TABLE } from '../schedule/schedule-slots.js';

/** IF NOT EXISTS: databases where the service made the table itself at start-up (before migrations) adopt it unchanged. */
export class CreateOfframpScheduleSlots1764100000000 implements MigrationInterface {
  name = 'CreateOfframpScheduleSlots1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE IF NOT EXISTS ${SCHEDULE_TABLE} (name VARCHAR(128) NOT NULL PRIMARY KEY, last_slot BIGINT NOT NULL)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${SCHEDULE_TABLE}`);
  }
}
