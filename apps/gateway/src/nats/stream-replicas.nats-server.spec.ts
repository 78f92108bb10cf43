import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startNatsCluster, startNatsServer, waitUntil, type NatsCluster, type NatsServerHandle } from '@offramp/testing';
import { gatewayConfigShape } from '../config/gateway-config.js';
import { growStreamReplicas, openReplicatedBucket, ReplicasRefusedError } from './stream-replicas.js';

// GATEWAY_NATS_REPLICAS on real servers: a 3-node cluster grows the gateway's buckets and streams
// made before with one copy; a single server refuses more than one, and says so by type.
describe('replicas of the gateway buckets and streams (GATEWAY_NATS_REPLICAS)', () => {
  it('is validated at start-up: a whole number from 1 to 5, 1 when unset', () => {
    const field = gatewayConfigShape.GATEWAY_NATS_REPLICAS;
    expect(field.parse(undefined)).toBe(1);
    expect(field.parse('3')).toBe(3);
    for (const wrong of ['0', '6', '2.5', 'three']) expect(field.safeParse(wrong).success).toBe(false);
  });

  describe('on a single nats-server', () => {
    let nats: NatsServerHandle;
    let nc: NatsConnection;
    beforeAll(async () => {
      nats = await startNatsServer();
      nc = await connect({ servers: nats.url });
    }, 30_000);
    afterAll(async () => {
      await nc?.close();
      await nats?.stop();
    });

    it('opens a bucket with one copy, and refuses three as ReplicasRefusedError, creating nothing', async () => {
      const kv = await openReplicatedBucket(nc, 'single_r1', { history: 1 }, 1);
      expect((await kv.status()).replicas).toBe(1);
      const refused = await openReplicatedBucket(nc, 'single_r3', { history: 1 }, 3).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ReplicasRefusedError);
      expect(refused).toMatchObject({ code: 'NATS_REPLICAS_REFUSED', stream: 'KV_single_r3', replicas: 3 });
      expect((refused as Error).message).toContain('GATEWAY_NATS_REPLICAS=3');
      const jsm = await jetstreamManager(nc);
      await expect(jsm.streams.info('KV_single_r3')).rejects.toThrow();
      // An existing R1 bucket asked for 3: refused the same way, left as it was.
      await expect(openReplicatedBucket(nc, 'single_r1', { history: 1 }, 3)).rejects.toBeInstanceOf(ReplicasRefusedError);
      expect((await jsm.streams.info('KV_single_r1')).config.num_replicas).toBe(1);
    });
  });

  describe('on a 3-node cluster', () => {
    let cluster: NatsCluster;
    let nc: NatsConnection;
    beforeAll(async () => {
      cluster = await startNatsCluster(3);
      nc = await connect({ servers: cluster.url });
      await waitUntil(async () => (await new Kvm(nc).create('cluster_probe', { replicas: 3 }).catch(() => undefined)) !== undefined, {
        timeoutMs: 30_000,
        description: 'a JetStream meta leader',
      });
    }, 60_000);
    afterAll(async () => {
      await nc?.close();
      await cluster?.stop();
    }, 30_000);

    it('grows a bucket made with one copy to three, keeping its values, and never shrinks one', async () => {
      const before = await new Kvm(nc).create('cluster_grown', { history: 4 });
      await before.put('k', 'kept');
      expect((await before.status()).replicas).toBe(1);
      const kv = await openReplicatedBucket(nc, 'cluster_grown', { history: 4 }, 3);
      expect((await kv.status()).replicas).toBe(3);
      expect((await kv.get('k'))?.string()).toBe('kept');
      const jsm = await jetstreamManager(nc);
      await waitUntil(async () => (await jsm.streams.info('KV_cluster_grown')).cluster?.replicas?.length === 2, {
        timeoutMs: 15_000,
        description: 'two followers of KV_cluster_grown',
      });
      await openReplicatedBucket(nc, 'cluster_grown', { history: 4 }, 1);
      expect((await jsm.streams.info('KV_cluster_grown')).config.num_replicas).toBe(3);
    });

    it('grows a stream, and refuses more copies than nodes as ReplicasRefusedError', async () => {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: 'CLUSTER_SHADOW', subjects: ['cluster.shadow.>'] });
      await growStreamReplicas(jsm, 'CLUSTER_SHADOW', 3);
      expect((await jsm.streams.info('CLUSTER_SHADOW')).config.num_replicas).toBe(3);
      await expect(growStreamReplicas(jsm, 'CLUSTER_SHADOW', 5)).rejects.toBeInstanceOf(ReplicasRefusedError);
      await expect(openReplicatedBucket(nc, 'cluster_r5', {}, 5)).rejects.toBeInstanceOf(ReplicasRefusedError);
      expect((await jsm.streams.info('CLUSTER_SHADOW')).config.num_replicas).toBe(3);
    });
  });
});
