import { ConflictException, Inject, Injectable, NotFoundException, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { phpJson } from '@offramp/legacy-bridge';
import { type Dialect, dialectOf, INBOX_TABLE, type QueueDriver, sqlParam, uuidv7 } from '@offramp/messaging';
import { type AdminActor, SERVICE_CONFIG } from '@offramp/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { PipelinesConfig } from '../pipelines-config.type.js';
import { createQueueDriver } from '../queue-bridge/queue-driver.factory.js';
import { TAKEN_OVER_JOBS } from '../taken-over-jobs.js';
import { JOB_RETRIES_TABLE } from './job-retries.js';
import type { FailedJobDto, FailedJobListDto, JobClassRatesDto, JobRatesDto, JobRetryListDto, RetriedJobDto } from './job-stats.dto.js';

const FAILED_JOBS = 'failed_jobs';

interface FailedRow {
  uuid: string;
  connection: string;
  queue: string;
  payload: string;
  exception: string;
  failed_at: string | Date;
}

/**
 * What the taken-over jobs did, read from what is stored anyway, so it survives restarts and
 * counts every replica: each settled job leaves its inbox row (subject, processed_at), each
 * failure its failed_jobs row (Laravel's table). A retry is `php artisan queue:retry <uuid>`:
 * the payload, attempts reset, back on its queue of the monolith, where the bridge takes it.
 */
@Injectable()
export class JobStatsService implements OnModuleDestroy {
  private readonly dialect: Dialect;
  private queue?: { driver: QueueDriver; close(): void };

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: PipelinesConfig,
  ) {
    this.dialect = dialectOf(dataSource);
  }

  async rates(minutes: number, now = new Date()): Promise<JobRatesDto> {
    const end = Math.floor(now.getTime() / 60_000) * 60_000 + 60_000;
    const start = end - minutes * 60_000;
    const since = new Date(start);
    const subjects = TAKEN_OVER_JOBS.map((job) => job.subject);
    const settled = (await this.dataSource.query(
      `SELECT subject, ${this.minuteOf('processed_at')} AS minute, COUNT(*) AS n FROM ${INBOX_TABLE}
       WHERE ${this.atOrAfter('processed_at', 1)} AND subject IN (${subjects.map((_, i) => this.p(i + 2)).join(', ')})
       GROUP BY subject, ${this.minuteOf('processed_at')}`,
      [this.timeParam(since), ...subjects],
    )) as Array<{ subject: string; minute: string; n: number | string }>;
    const failed = (await this.dataSource.query(
      `SELECT payload, ${this.minuteOf('failed_at')} AS minute FROM ${FAILED_JOBS} WHERE ${this.atOrAfter('failed_at', 1)}`,
      [this.timeParam(since)],
    )) as Array<{ payload: string; minute: string }>;
    const classes: JobClassRatesDto[] = TAKEN_OVER_JOBS.map((job) => {
      const done = new Map<string, number>();
      for (const row of settled) if (row.subject === job.subject) done.set(row.minute, Number(row.n));
      const failures = new Map<string, number>();
      for (const row of failed) if (displayName(row.payload) === job.phpClass) failures.set(row.minute, (failures.get(row.minute) ?? 0) + 1);
      const points = [];
      let total = 0;
      for (let t = start; t < end; t += 60_000) {
        const key = new Date(t).toISOString().slice(0, 16);
        const n = done.get(key) ?? 0;
        total += n;
        points.push({ minute: new Date(t).toISOString(), perSecond: n / 60, failedPerSecond: (failures.get(key) ?? 0) / 60 });
      }
      return { jobClass: job.phpClass, total, points };
    });
    return { minutes, classes };
  }

  async failedJobs(limit: number): Promise<FailedJobListDto> {
    const rows = (await this.dataSource.query(
      `SELECT uuid, connection, queue, payload, exception, failed_at FROM ${FAILED_JOBS} ORDER BY failed_at DESC, id DESC LIMIT ${limit}`,
    )) as FailedRow[];
    const [{ n }] = (await this.dataSource.query(`SELECT COUNT(*) AS n FROM ${FAILED_JOBS}`)) as Array<{ n: number | string }>;
    return { failedJobs: rows.map(toFailedJob), total: Number(n) };
  }

  /** `actor` is trusted because it came with PIPELINES_ADMIN_TOKEN, which only the gateway's relay holds. */
  async retry(uuid: string, actor: AdminActor, now = new Date()): Promise<RetriedJobDto> {
    const driver = this.driver();
    const [row] = (await this.dataSource.query(`SELECT uuid, connection, queue, payload, exception, failed_at FROM ${FAILED_JOBS} WHERE uuid = ${this.p(1)}`, [
      uuid,
    ])) as FailedRow[];
    if (!row) throw new NotFoundException(`no failed job ${uuid}`);
    if (row.connection !== driver.connectionName)
      throw new ConflictException(
        `failed job ${uuid} ran on the queue connection ${row.connection}, not the bridge's ${driver.connectionName}: retry it with php artisan queue:retry`,
      );
    const payload = resetAttempts(row.payload);
    const record = [uuidv7(), uuid, displayName(row.payload).slice(0, 255), row.queue, actor.by, actor.reason, now.getTime()];
    // the forget and its record commit together: a job gone from failed_jobs always says who retried it and why
    const forget = async (manager: EntityManager) => {
      await manager.query(`DELETE FROM ${FAILED_JOBS} WHERE uuid = ${this.p(1)}`, [uuid]);
      await manager.query(
        `INSERT INTO ${JOB_RETRIES_TABLE} (id, job_uuid, job, queue, actor, reason, at_ms) VALUES (${[1, 2, 3, 4, 5, 6, 7].map((i) => this.p(i)).join(', ')})`,
        record,
      );
    };
    if (this.config.QUEUE_BRIDGE_DRIVER === 'database') {
      // the push and the forget commit together: a job is never both queued again and still listed as failed
      await this.dataSource.transaction(async (manager) => {
        await driver.push(row.queue, payload, manager);
        await forget(manager);
      });
    } else {
      // RetryCommand's order: pushed first, so a crash in between leaves it listed rather than lost
      await driver.push(row.queue, payload);
      await this.dataSource.transaction(forget);
    }
    return { uuid, queue: row.queue };
  }

  async retries(limit: number): Promise<JobRetryListDto> {
    const rows = (await this.dataSource.query(
      `SELECT id, job_uuid, job, queue, actor, reason, at_ms FROM ${JOB_RETRIES_TABLE} ORDER BY at_ms DESC, id DESC LIMIT ${limit}`,
    )) as Array<{ id: string; job_uuid: string; job: string; queue: string; actor: string; reason: string; at_ms: number | string }>;
    return {
      retries: rows.map((r) => ({
        id: r.id,
        uuid: r.job_uuid,
        job: r.job,
        queue: r.queue,
        actor: r.actor,
        reason: r.reason,
        at: new Date(Number(r.at_ms)).toISOString(),
      })),
    };
  }

  onModuleDestroy(): void {
    this.queue?.close();
  }

  private driver(): QueueDriver {
    this.queue ??= createQueueDriver(this.config, this.dataSource);
    return this.queue.driver;
  }

  private p(i: number): string {
    return sqlParam(this.dialect, i);
  }

  /** The minute as `YYYY-MM-DDTHH:MM` (UTC), whichever way the column holds it (SQLite: ISO or Laravel's `Y-m-d H:i:s`). */
  private minuteOf(column: string): string {
    if (this.dialect === 'postgres') return `to_char(${column}, 'YYYY-MM-DD"T"HH24:MI')`;
    if (this.dialect === 'mysql') return `DATE_FORMAT(${column}, '%Y-%m-%dT%H:%i')`;
    return `strftime('%Y-%m-%dT%H:%M', ${column})`;
  }

  private atOrAfter(column: string, param: number): string {
    return this.dialect === 'sqlite' ? `julianday(${column}) >= julianday(${this.p(param)})` : `${column} >= ${this.p(param)}`;
  }

  private timeParam(date: Date): string {
    return date.toISOString().slice(0, 19).replace('T', ' ');
  }
}

/** RetryCommand::resetAttempts: `attempts` set to 0 where the payload has one, the rest kept, as json_encode writes it. */
function resetAttempts(raw: string): string {
  const payload = JSON.parse(raw) as Record<string, unknown>;
  if (payload['attempts'] === undefined || payload['attempts'] === null) return phpJson(payload);
  return phpJson({ ...payload, attempts: 0 });
}

function displayName(raw: string): string {
  try {
    const name = (JSON.parse(raw) as { displayName?: unknown }).displayName;
    return typeof name === 'string' ? name : '';
  } catch {
    return '';
  }
}

function toFailedJob(row: FailedRow): FailedJobDto {
  const failedAt = row.failed_at instanceof Date ? row.failed_at : new Date(`${String(row.failed_at).replace(' ', 'T')}Z`);
  return {
    uuid: row.uuid,
    job: displayName(row.payload),
    connection: row.connection,
    queue: row.queue,
    failedAt: failedAt.toISOString(),
    exception: String(row.exception).split('\n', 1)[0].slice(0, 500),
  };
}
