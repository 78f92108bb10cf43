import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { recalculateProductPopularityPayload } from '@offramp/messaging';
import { SERVICE_CONFIG } from '@offramp/platform';
import { DataSource } from 'typeorm';
import type { PipelinesConfig } from '../pipelines-config.type.js';
import { createQueueDriver } from '../queue-bridge/queue-driver.factory.js';
import { hourSlot, ScheduleSlots } from './schedule-slots.js';

const NAME = 'recalculate-product-popularity';

/**
 * The monolith's `$schedule->job(new RecalculateProductPopularity())->hourly()`, run from here:
 * once per hour across all replicas (ScheduleSlots), the job queued as Laravel would queue it, so
 * the bridge hands it on (or PHP's worker runs it after a rollback). Switch the monolith's entry off
 * with OFFRAMP_PHP_SCHEDULES_POPULARITY=false there.
 */
@Injectable()
export class HourlyPopularitySchedule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Schedule');
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private readonly slots: ScheduleSlots;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: PipelinesConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.slots = new ScheduleSlots(dataSource);
  }

  onApplicationBootstrap(): void {
    if (!this.config.SCHEDULE_POPULARITY_ENABLED) return;
    const tick = () => {
      this.ticking = this.tick().then(
        () => undefined,
        (error: Error) => this.logger.warn(`${NAME}: ${error.message}; trying again at the next tick`),
      );
    };
    tick();
    this.timer = setInterval(tick, this.config.SCHEDULE_TICK_MS);
  }

  /** Claims this hour; the winner queues the job, in the claim's transaction on the database driver. */
  async tick(now = Date.now()): Promise<boolean> {
    const queue = createQueueDriver(this.config, this.dataSource);
    try {
      const queued = await this.dataSource.transaction(async (manager) => {
        if (!(await this.slots.claim(NAME, hourSlot(now), manager))) return false;
        await queue.driver.push(this.config.QUEUE_BRIDGE_QUEUE, recalculateProductPopularityPayload(this.config.QUEUE_BRIDGE_QUEUE), manager);
        return true;
      });
      if (queued) this.logger.log(`${NAME}: queued for hour ${new Date(hourSlot(now) * 3_600_000).toISOString()}`);
      return queued;
    } finally {
      queue.close();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
  }
}
