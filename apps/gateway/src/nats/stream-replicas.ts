import { JetStreamApiError, jetstreamManager, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { Kvm, type KV, type KvOptions } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';

/**
 * JetStream would not give a bucket or stream of the gateway the replicas GATEWAY_NATS_REPLICAS
 * asks for (a single server refuses more than 1; a cluster refuses more than it has nodes). The
 * gateway does not go on with fewer copies than it was told: the bucket is not opened, and opening
 * it is retried with a warning that names the variable (a NATS StatefulSet starting its nodes one
 * by one can place them a moment later).
 */
export class ReplicasRefusedError extends Error {
  readonly code = 'NATS_REPLICAS_REFUSED';
  constructor(
    readonly stream: string,
    readonly replicas: number,
    reason: string,
    cause?: JetStreamApiError,
  ) {
    super(`GATEWAY_NATS_REPLICAS=${replicas}: JetStream refused ${replicas} replicas for stream ${stream} (${reason})`, { cause });
  }
}

/**
 * Gives a stream at least `replicas` copies. An existing stream with fewer is updated in place
 * (JetStream copies its messages to the new peers); one with more keeps them: the setting never
 * shrinks what an operator grew.
 */
export async function growStreamReplicas(jsm: JetStreamManager, stream: string, replicas: number): Promise<void> {
  const { config, cluster } = await jsm.streams.info(stream);
  if (config.num_replicas >= replicas) return;
  // A single server would take the new number into the config and still keep one copy.
  if (!cluster) throw new ReplicasRefusedError(stream, replicas, 'a single nats-server, not a cluster');
  await refusedAsTyped(stream, replicas, () => jsm.streams.update(stream, { ...config, num_replicas: replicas } as StreamConfig));
}

/** Opens (or creates) a KV bucket with at least `replicas` copies (its stream is KV_<bucket>). */
export async function openReplicatedBucket(nc: NatsConnection, bucket: string, options: Partial<KvOptions>, replicas: number): Promise<KV> {
  const kv = await refusedAsTyped(`KV_${bucket}`, replicas, () => new Kvm(nc).create(bucket, { ...options, replicas }));
  await growStreamReplicas(await jetstreamManager(nc), `KV_${bucket}`, replicas);
  return kv;
}

/** JetStream's err_codes for replicas it cannot place (nats-server errors.json). */
const REPLICAS_REFUSED = new Set([
  10074, // JSStreamReplicasNotSupportedErr: replicas > 1 not supported in non-clustered mode
  10005, // JSClusterNoPeersErr: no suitable peers for placement
  10023, // JSInsufficientResourcesErr
  10061, // JSStreamReplicasNotUpdatableErr
]);

async function refusedAsTyped<T>(stream: string, replicas: number, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof JetStreamApiError && REPLICAS_REFUSED.has(error.code))
      throw new ReplicasRefusedError(stream, replicas, `${error.message}, err_code ${error.code}`, error);
    throw error;
  }
}
