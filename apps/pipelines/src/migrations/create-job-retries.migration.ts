import type { MigrationInterface, QueryRunner } from 'typeorm';
import { JOB_RETRIES_TABLE } from '../job-stats/job-retries.js';

/** The retries record (job-stats). `at` in epoch milliseconds: one type and one ordering on every dialect. */
export class CreateOfframpJobRetries1764100000200 implements MigrationInterface {
  name = 'CreateOfframpJobRetries1764100000200';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE TABLE ${JOB_RETRIES_TABLE} (id CHAR(36) NOT NULL PRIMARY KEY, job_uuid VARCHAR(64) NOT NULL, job VARCHAR(255) NOT NULL, queue VARCHAR(255) NOT NULL, actor VARCHAR(1000) NOT NULL, reason VARCHAR(1000) NOT NULL, at_ms BIGINT NOT NULL)`,
    );
    await runner.query(`CREATE INDEX ${JOB_RETRIES_TABLE}_at ON ${JOB_RETRIES_TABLE} (at_ms)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${JOB_RETRIES_TABLE}`);
  }
}
