import { Logger } from '@nestjs/common';
import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamManager,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { type ConsumerDefinition, resolveConsumer, type StreamDefinition } from './definitions.js';

const RETENTION = { limits: RetentionPolicy.Limits, workqueue: RetentionPolicy.Workqueue, interest: RetentionPolicy.Interest } as const;

/** JetStream's API error code (err_code), not its description: the wording may change, the code does not. */
function isApiError(error: unknown, code: (typeof JetStreamApiCodes)[keyof typeof JetStreamApiCodes]): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}

function streamConfig(definition: StreamDefinition): Partial<StreamConfig> & { name: string } {
  return {
    name: definition.name,
    subjects: definition.subjects,
    num_replicas: definition.replicas ?? 1,
    retention: RETENTION[definition.retention ?? 'limits'],
    storage: definition.storage === 'memory' ? StorageType.Memory : StorageType.File,
    max_age: nanos(definition.maxAgeMs ?? 0),
    duplicate_window: nanos(definition.duplicateWindowMs ?? 120_000),
    max_bytes: definition.maxBytes ?? -1,
  };
}

/**
 * Creates streams and durable consumers, or updates them to the declared settings. Safe to run
 * from every replica at every start: a second run changes nothing.
 */
export async function provisionStreams(jsm: JetStreamManager, streams: StreamDefinition[], logger = new Logger('JetStream')): Promise<void> {
  for (const definition of streams) {
    const wanted = streamConfig(definition);
    try {
      const { config } = await jsm.streams.info(definition.name);
      if (definition.retention && config.retention !== wanted.retention) {
        logger.warn(`stream ${definition.name}: retention is ${config.retention}, declared ${wanted.retention}; JetStream cannot change it in place`);
      }
      const { retention: _fixed, storage: _storage, ...changeable } = wanted;
      const differs = Object.entries(changeable).some(([key, value]) => JSON.stringify(config[key as keyof StreamConfig]) !== JSON.stringify(value));
      if (differs) {
        await jsm.streams.update(definition.name, { ...config, ...changeable });
        logger.log(`stream ${definition.name} updated`);
      }
    } catch (error) {
      if (!isApiError(error, JetStreamApiCodes.StreamNotFound)) throw error;
      await jsm.streams.add(wanted);
      logger.log(`stream ${definition.name} created (${definition.subjects.join(', ')})`);
    }
  }
}

export async function provisionConsumers(jsm: JetStreamManager, consumers: ConsumerDefinition[], logger = new Logger('JetStream')): Promise<void> {
  for (const definition of consumers) {
    const consumer = resolveConsumer(definition);
    const filter = consumer.filterSubjects.length === 1 ? { filter_subject: consumer.filterSubjects[0] } : { filter_subjects: consumer.filterSubjects };
    const config = {
      durable_name: consumer.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(consumer.ackWaitMs),
      max_deliver: consumer.maxDeliver,
      // Room for every handler slot of a few replicas plus their prefetch.
      max_ack_pending: Math.max(1_000, consumer.concurrency * 20),
      ...filter,
    };
    try {
      await jsm.consumers.info(consumer.stream, consumer.durable);
      const { durable_name: _name, ack_policy: _ack, deliver_policy: _deliver, ...changeable } = config;
      await jsm.consumers.update(consumer.stream, consumer.durable, changeable);
    } catch (error) {
      if (!isApiError(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
      await jsm.consumers.add(consumer.stream, config);
      logger.log(`consumer ${consumer.stream}/${consumer.durable} created (${consumer.filterSubjects.join(', ')})`);
    }
  }
}
