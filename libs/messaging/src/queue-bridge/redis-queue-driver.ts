import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { FailedJobsTable, type FailedJob } from './failed-jobs-table.js';
import type { QueueDriver, ReservedJob } from './queue-driver.js';

/**
 * Laravel's LuaScripts::migrateExpiredJobs: due members of a sorted set (`:delayed`, or `:reserved`
 * past retry_after) are moved to the queue list, with one notification each.
 */
const MIGRATE_EXPIRED = `
local val = redis.call('zrangebyscore', KEYS[1], '-inf', ARGV[1])
if(next(val) ~= nil) then
    redis.call('zremrangebyrank', KEYS[1], 0, #val - 1)
    for i = 1, #val, 100 do
        redis.call('rpush', KEYS[2], unpack(val, i, math.min(i+99, #val)))
        for j = i, math.min(i+99, #val) do
            redis.call('rpush', KEYS[3], 1)
        end
    end
end
return val`;

/**
 * Laravel's LuaScripts::pop, up to ARGV[2] times in one script: the first job of the list, its
 * attempts plus one, re-encoded into the reserved set with score ARGV[1] (now + retry_after). The
 * reserved member is the re-encoded payload; the job itself stays the original string.
 */
const POP_MANY = `
local out = {}
for i = 1, tonumber(ARGV[2]) do
    local job = redis.call('lpop', KEYS[1])
    if(job == false) then break end
    -- unlike Laravel's script, a payload that is not JSON is reserved as it is (not lost mid-script)
    local ok, reserved = pcall(cjson.decode, job)
    if ok and type(reserved) == 'table' then
        reserved['attempts'] = (tonumber(reserved['attempts']) or 0) + 1
        reserved = cjson.encode(reserved)
    else
        reserved = job
    end
    redis.call('zadd', KEYS[2], ARGV[1], reserved)
    redis.call('lpop', KEYS[3])
    table.insert(out, job)
    table.insert(out, reserved)
end
return out`;

/** Takes the reserved member off and puts the job back at the front of a queue list, in one step. */
const UNRESERVE = `
redis.call('zrem', KEYS[1], ARGV[1])
redis.call('lpush', KEYS[2], ARGV[2])
redis.call('rpush', KEYS[3], 1)
return 1`;

export interface RedisQueueDriverSettings {
  /** ioredis on the monolith's redis connection, with its REDIS_PREFIX as keyPrefix. */
  redis: Redis;
  /** The monolith's database, for failed_jobs. */
  dataSource: DataSource;
  connectionName?: string;
  failedJobsTable?: string;
  retryAfterSeconds?: number;
}

/**
 * Laravel's `redis` queue driver (Illuminate\Queue\RedisQueue), the worker's side: `queues:<name>`
 * (list), `:delayed` and `:reserved` (sorted sets by unix time), `:notify`; due delayed jobs and
 * expired reservations are migrated before each pop, exactly as the worker does.
 */
export class RedisQueueDriver implements QueueDriver {
  readonly connectionName: string;
  private readonly failedJobs: FailedJobsTable;
  private readonly retryAfterSeconds: number;

  constructor(private readonly settings: RedisQueueDriverSettings) {
    this.connectionName = settings.connectionName ?? 'redis';
    this.failedJobs = new FailedJobsTable(settings.dataSource, settings.failedJobsTable);
    this.retryAfterSeconds = settings.retryAfterSeconds ?? 90;
  }

  private key(queue: string): string {
    return `queues:${queue}`;
  }

  async reserve(queue: string, limit: number): Promise<ReservedJob[]> {
    const { redis } = this.settings;
    const list = this.key(queue);
    const now = Math.floor(Date.now() / 1000);
    await redis.eval(MIGRATE_EXPIRED, 3, `${list}:delayed`, list, `${list}:notify`, now);
    await redis.eval(MIGRATE_EXPIRED, 3, `${list}:reserved`, list, `${list}:notify`, now);
    const popped = (await redis.eval(
      POP_MANY,
      3,
      list,
      `${list}:reserved`,
      `${list}:notify`,
      now + this.retryAfterSeconds,
      Math.max(1, Math.floor(limit)),
    )) as string[];
    const jobs: ReservedJob[] = [];
    for (let i = 0; i < popped.length; i += 2) {
      jobs.push({ handle: popped[i + 1], queue, raw: popped[i], attemptsBefore: attemptsIn(popped[i]) });
    }
    return jobs;
  }

  /** RedisQueue::deleteReserved. */
  async delete(jobs: ReservedJob[]): Promise<void> {
    const byQueue = groupByQueue(jobs);
    for (const [queue, members] of byQueue) await this.settings.redis.zrem(`${this.key(queue)}:reserved`, ...members.map((job) => job.handle as string));
  }

  async release(jobs: ReservedJob[]): Promise<void> {
    for (const job of jobs) await this.move(job, job.queue);
  }

  handToPhp(job: ReservedJob, queue: string): Promise<void> {
    return this.move(job, queue);
  }

  /** RedisQueue::pushRaw: onto the list, with its notification. */
  async push(queue: string, payload: string): Promise<void> {
    const list = this.key(queue);
    await this.settings.redis.multi().rpush(list, payload).rpush(`${list}:notify`, 1).exec();
  }

  /** failed_jobs first, then off the reserved set: a crash in between fails it again, and the uuid keeps one row. */
  async fail(job: ReservedJob, failed: FailedJob): Promise<void> {
    await this.failedJobs.record(this.settings.dataSource, failed);
    await this.delete([job]);
  }

  private async move(job: ReservedJob, queue: string): Promise<void> {
    const to = this.key(queue);
    await this.settings.redis.eval(UNRESERVE, 3, `${this.key(job.queue)}:reserved`, to, `${to}:notify`, job.handle as string, job.raw);
  }
}

function attemptsIn(raw: string): number {
  try {
    const attempts = Number((JSON.parse(raw) as { attempts?: unknown }).attempts ?? 0);
    return Number.isInteger(attempts) && attempts >= 0 ? attempts : 0;
  } catch {
    return 0;
  }
}

function groupByQueue(jobs: ReservedJob[]): Map<string, ReservedJob[]> {
  const out = new Map<string, ReservedJob[]>();
  for (const job of jobs) out.set(job.queue, [...(out.get(job.queue) ?? []), job]);
  return out;
}
