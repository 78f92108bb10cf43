import type { NatsConnection } from '@nats-io/transport-node';
import {
  jetstream,
  jetstreamManager,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  type StreamInfo,
} from '@nats-io/jetstream';
import { routeKey } from '../routes/route-key.js';
import { growStreamReplicas } from '../nats/stream-replicas.js';

export interface MismatchRecord {
  routeId: string;
  at: string;
  requestId: string;
  method: string;
  url: string;
  request: { headers: Record<string, unknown> };
  differences: { key: string; legacy?: unknown; service?: unknown }[];
  legacy: { status: number; headers: Record<string, unknown>; body: unknown };
  service: { status: number; headers: Record<string, unknown>; body: unknown };
}

export interface SampleRetention {
  /** Samples older than this are dropped by JetStream. */
  maxAgeSeconds: number;
  /** The newest this many are kept per route (one subject per route). */
  perRoute: number;
}

const SUBJECT_PREFIX = 'offramp.shadow.mismatch';
/** Reads of one `latest` call at most: the stream keeps `perRoute` per route, and this bounds a scan over all routes. */
const MAX_READS = 20_000;

/**
 * Mismatches with redacted samples, in a JetStream stream: the latest `perRoute` per route, for
 * `maxAgeSeconds`. The retention is applied to a stream that exists with other limits, so a
 * changed setting takes effect on the next start. Read only through the admin API.
 */
export class MismatchStore {
  private js?: JetStreamClient;
  private jsm?: JetStreamManager;

  constructor(
    private readonly stream: string,
    private readonly retention: SampleRetention,
    /** JetStream replicas of the stream (GATEWAY_NATS_REPLICAS). */
    private readonly replicas = 1,
  ) {}

  async open(nc: NatsConnection): Promise<void> {
    this.jsm = await jetstreamManager(nc);
    this.js = jetstream(nc);
    const limits = { max_msgs_per_subject: this.retention.perRoute, max_age: this.retention.maxAgeSeconds * 1e9 };
    let info: StreamInfo;
    try {
      info = await this.jsm.streams.info(this.stream);
    } catch (error) {
      if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)) throw error;
      await this.jsm.streams.add({ name: this.stream, subjects: [`${SUBJECT_PREFIX}.>`], allow_direct: true, num_replicas: this.replicas, ...limits });
      return;
    }
    if (info.config.max_msgs_per_subject !== limits.max_msgs_per_subject || info.config.max_age !== limits.max_age) {
      await this.jsm.streams.update(this.stream, limits); // merged into the stream's config by the client
    }
    await growStreamReplicas(this.jsm, this.stream, this.replicas);
  }

  /** The retention the stream has now (for tests and the admin API). */
  async limits(): Promise<SampleRetention | undefined> {
    if (!this.jsm) return undefined;
    const { config } = await this.jsm.streams.info(this.stream);
    return { maxAgeSeconds: config.max_age / 1e9, perRoute: config.max_msgs_per_subject };
  }

  async record(mismatch: MismatchRecord): Promise<void> {
    if (!this.js) return;
    await this.js.publish(`${SUBJECT_PREFIX}.${routeKey(mismatch.routeId)}`, JSON.stringify(mismatch));
  }

  /**
   * The latest `limit` mismatches of a route, or of every route, newest last: read forwards from
   * a start that moves back (×4 each round) until enough are found or the stream's start is reached.
   */
  async latest(routeId: string | undefined, limit: number): Promise<MismatchRecord[]> {
    if (!this.jsm) return [];
    const subject = routeId ? `${SUBJECT_PREFIX}.${routeKey(routeId)}` : `${SUBJECT_PREFIX}.>`;
    const { state } = await this.jsm.streams.info(this.stream);
    if (state.messages === 0) return [];
    const first = Math.max(state.first_seq, 1);
    let reads = 0;
    for (let window = Math.max(limit, 16); ; window *= 4) {
      const start = Math.max(first, state.last_seq - window + 1);
      const records: MismatchRecord[] = [];
      for (let seq = start; seq <= state.last_seq && reads < MAX_READS; reads++) {
        const message = await this.jsm.direct.getMessage(this.stream, { seq, next_by_subj: subject });
        if (!message || message.seq > state.last_seq) break;
        records.push(message.json<MismatchRecord>());
        if (records.length > limit) records.shift();
        seq = message.seq + 1;
      }
      if (records.length >= limit || start === first || reads >= MAX_READS) return records;
    }
  }
}
