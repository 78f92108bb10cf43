import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { decodeJobCommand, type LaravelEncrypter, LaravelJobError, MODEL_IDENTIFIER, parseJobPayload } from '@offramp/legacy-bridge';
import { type EventPublisher, InvalidEventPayloadError } from '../publisher/event-publisher.js';
import { exponentialBackoff } from '../retry/backoff.js';
import { type BridgedJobClass, jobEnvelope, jobMessageId } from './bridged-job.js';
import type { FailedJob } from './failed-jobs-table.js';
import type { QueueDriver, ReservedJob } from './queue-driver.js';

export interface QueueBridgeSettings {
  driver: QueueDriver;
  publisher: EventPublisher;
  /** The job classes taken over; any other class found on the queue is handed back to PHP. */
  jobs: readonly BridgedJobClass[];
  /** The monolith's `offramp.queue`. */
  queue?: string;
  /** Where a job of a class not taken over goes, for PHP's workers (`queue:work --queue=…`). */
  phpQueue?: string;
  /** ShouldBeEncrypted jobs: the monolith's APP_KEY. */
  encrypter?: LaravelEncrypter;
  batchSize?: number;
  /** Idle polling backs off from the first to the second value while the queue stays empty. */
  idlePollMs?: [min: number, max: number];
  publishTimeoutMs?: number;
  /** Called when a job is stored in JetStream (the benchmark measures latency with it). */
  onBridged?: (job: ReservedJob, subject: string) => void;
}

const FAILURE_BACKOFF = exponentialBackoff({ firstMs: 200, maxMs: 5_000 });

/**
 * Drains the monolith's Offramp queue into JetStream, so taken-over Laravel jobs run in Node while
 * PHP code dispatches them as before. Each reserved job is decoded (payload shape, job object of
 * allowed classes only, encrypted ones decrypted), published on its class's subject with its
 * uuid as Nats-Msg-Id, and removed from the queue only after JetStream acknowledged it: a crash
 * in between leaves it reserved, it is taken again after `retry_after`, and JetStream drops the
 * second copy. A payload that cannot be read goes to failed_jobs with the reason; a class not
 * taken over is left to PHP, never dropped.
 */
export class QueueBridge {
  private readonly logger = new Logger('QueueBridge');
  private readonly classes: Map<string, BridgedJobClass>;
  private readonly queue: string;
  private stopped = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(private readonly settings: QueueBridgeSettings) {
    this.classes = new Map(settings.jobs.map((job) => [job.phpClass, job]));
    this.queue = settings.queue ?? 'offramp';
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const [minIdle, maxIdle] = this.settings.idlePollMs ?? [5, 250];
    let idle = minIdle;
    let failures = 0;
    while (!this.stopped) {
      try {
        const count = await this.drainOnce();
        failures = 0;
        if (count > 0) {
          idle = minIdle;
          continue;
        }
        await this.pause(idle);
        idle = Math.min(maxIdle, idle * 2);
      } catch (error) {
        failures += 1;
        const delay = FAILURE_BACKOFF(failures);
        this.logger.warn(`draining queue ${this.queue} failed: ${(error as Error).message}; again in ${delay} ms`);
        await this.pause(delay);
      }
    }
  }

  private async pause(ms: number): Promise<void> {
    const controller = new AbortController();
    this.wake = () => controller.abort();
    await sleep(ms, undefined, { signal: controller.signal }).catch(() => undefined);
    this.wake = undefined;
  }

  /** One batch: reserve, hand on, settle each job one way. Resolves with how many jobs it reserved. */
  async drainOnce(): Promise<number> {
    const { driver } = this.settings;
    const reserved = await driver.reserve(this.queue, this.settings.batchSize ?? 100);
    if (reserved.length === 0) return 0;
    const outcomes = await Promise.all(reserved.map((job) => this.handOn(job).then((outcome) => [job, outcome] as const)));
    await driver.delete(outcomes.filter(([, outcome]) => outcome === 'bridged').map(([job]) => job));
    // One at a time: each is a transaction, and SQLite has one connection.
    for (const [job, outcome] of outcomes) {
      if (typeof outcome === 'object') await driver.fail(job, outcome.failed);
      else if (outcome === 'handed-to-php') await driver.handToPhp(job, this.settings.phpQueue ?? 'default');
    }
    const released = outcomes.filter(([, outcome]) => outcome === 'released').map(([job]) => job);
    if (released.length > 0) {
      await driver.release(released);
      // JetStream refused or did not answer: slow down instead of spinning on the same jobs.
      throw new Error(`${released.length} of ${reserved.length} jobs not acknowledged by JetStream; released`);
    }
    return reserved.length;
  }

  /** Publishes the job, or says what to do with it instead. */
  private async handOn(job: ReservedJob): Promise<'bridged' | 'released' | 'handed-to-php' | { failed: FailedJob }> {
    const { driver } = this.settings;
    let uuid: string | undefined;
    try {
      const payload = parseJobPayload(job.raw);
      uuid = payload.uuid;
      const bridged = this.classes.get(payload.displayName);
      if (!bridged) {
        const phpQueue = this.settings.phpQueue ?? 'default';
        this.logger.warn(`job ${payload.uuid} of class ${payload.displayName} is not taken over by Offramp: moved to queue ${phpQueue} for PHP's workers`);
        return 'handed-to-php';
      }
      const command = decodeJobCommand(payload, [bridged.phpClass, MODEL_IDENTIFIER, ...(bridged.allowedClasses ?? [])], this.settings.encrypter);
      const message = {
        job: jobEnvelope(job.raw, payload, command, { connection: driver.connectionName, queue: job.queue, attemptsBefore: job.attemptsBefore }),
        ...bridged.fields(command),
      };
      try {
        await this.settings.publisher.publish(bridged.subject, message, { eventId: jobMessageId(payload), timeoutMs: this.settings.publishTimeoutMs });
      } catch (error) {
        if (error instanceof InvalidEventPayloadError) throw error;
        this.logger.warn(`job ${payload.uuid}: ${(error as Error).message}`);
        return 'released';
      }
      this.settings.onBridged?.(job, bridged.subject);
      return 'bridged';
    } catch (error) {
      if (!(error instanceof LaravelJobError) && !(error instanceof InvalidEventPayloadError)) throw error;
      const reason = error instanceof LaravelJobError ? `${error.code}: ${error.message}` : `invalid_message: ${error.message}`;
      this.logger.error(`job ${uuid ?? '(no uuid)'} on queue ${job.queue} cannot be run: ${reason}; recorded in failed_jobs`);
      return {
        failed: {
          uuid: uuid ?? uuidIn(job.raw) ?? randomUUID(),
          connection: driver.connectionName,
          queue: job.queue,
          payload: job.raw,
          exception: `Offramp\\QueueBridge\\UnreadableJob: ${reason}`,
        },
      };
    }
  }
}

/** The uuid of a payload that failed its checks, when it has one. */
function uuidIn(raw: string): string | undefined {
  try {
    const uuid = (JSON.parse(raw) as { uuid?: unknown })?.uuid;
    return typeof uuid === 'string' && uuid.length > 0 && uuid.length <= 40 ? uuid : undefined;
  } catch {
    return undefined;
  }
}
