import { DatabaseQueueDriver, type QueueDriver, RedisQueueDriver } from '@offramp/messaging';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { PipelinesConfig } from '../pipelines-config.type.js';

/** The monolith's queue as QUEUE_BRIDGE_DRIVER says (database or redis), and how to let go of it. */
export function createQueueDriver(config: PipelinesConfig, dataSource: DataSource): { driver: QueueDriver; close(): void } {
  const settings = {
    dataSource,
    connectionName: config.QUEUE_BRIDGE_CONNECTION ?? config.QUEUE_BRIDGE_DRIVER,
    retryAfterSeconds: config.QUEUE_BRIDGE_RETRY_AFTER_SECONDS,
  };
  if (config.QUEUE_BRIDGE_DRIVER === 'database') return { driver: new DatabaseQueueDriver(settings), close: () => undefined };
  // phpredis prefixes every key, those of the queue scripts included: keyPrefix does the same.
  const redis = new Redis(config.REDIS_URL, { keyPrefix: config.REDIS_PREFIX, maxRetriesPerRequest: 3 });
  return { driver: new RedisQueueDriver({ ...settings, redis }), close: () => redis.disconnect() };
}
