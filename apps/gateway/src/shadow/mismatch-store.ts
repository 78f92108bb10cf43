import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { routeKey } from '../routes/route-key.js';

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

const SUBJECT_PREFIX = 'offramp.shadow.mismatch';
const KEPT_PER_ROUTE = 200;

/** Mismatches with redacted samples, in a JetStream stream: the latest 200 per route, for 7 days. */
export class MismatchStore {
  private js?: JetStreamClient;
  private jsm?: JetStreamManager;

  constructor(private readonly stream: string) {}

  async open(nc: NatsConnection): Promise<void> {
    this.jsm = await jetstreamManager(nc);
    this.js = jetstream(nc);
    const config = {
      name: this.stream,
      subjects: [`${SUBJECT_PREFIX}.>`],
      max_msgs_per_subject: KEPT_PER_ROUTE,
      max_age: 7 * 24 * 3600 * 1e9,
      allow_direct: true,
    };
    try {
      await this.jsm.streams.info(this.stream);
    } catch {
      await this.jsm.streams.add(config);
    }
  }

  async record(mismatch: MismatchRecord): Promise<void> {
    if (!this.js) return;
    await this.js.publish(`${SUBJECT_PREFIX}.${routeKey(mismatch.routeId)}`, JSON.stringify(mismatch));
  }

  /** The latest `limit` mismatches of a route, or of every route, newest last. */
  async latest(routeId: string | undefined, limit: number): Promise<MismatchRecord[]> {
    if (!this.jsm) return [];
    const subject = routeId ? `${SUBJECT_PREFIX}.${routeKey(routeId)}` : `${SUBJECT_PREFIX}.>`;
    const info = await this.jsm.streams.info(this.stream);
    const records: MismatchRecord[] = [];
    let seq = Math.max(info.state.first_seq, 1);
    // Bounded: at most KEPT_PER_ROUTE per route are kept, and we stop after a generous cap.
    for (let reads = 0; reads < 5_000 && seq <= info.state.last_seq; reads++) {
      const message = await this.jsm.direct.getMessage(this.stream, { seq, next_by_subj: subject });
      if (!message) break;
      records.push(message.json<MismatchRecord>());
      if (records.length > limit) records.shift();
      seq = message.seq + 1;
    }
    return records;
  }
}
