/**
 * Streams and durable consumers are declared in code and provisioned idempotently at start-up.
 * Replicas, retention, max age and duplicate window are settings, so moving from one local
 * nats-server to a 3-node cluster is a config change (`replicas: 3`).
 */
export interface StreamDefinition {
  name: string;
  subjects: string[];
  /** 1 locally, 3 on a cluster. */
  replicas?: number;
  /** `limits` keeps messages until max age/size (event log); `workqueue` removes them once acked. */
  retention?: 'limits' | 'workqueue' | 'interest';
  maxAgeMs?: number;
  /** Window in which a second publish with the same Nats-Msg-Id is dropped. */
  duplicateWindowMs?: number;
  maxBytes?: number;
  storage?: 'file' | 'memory';
}

export interface ConsumerDefinition {
  stream: string;
  /** Durable name; also the inbox key of the idempotent-consumer helper. */
  durable: string;
  /** Subjects this consumer receives; each needs an `@EventPattern` handler in the service. */
  filterSubjects: string[];
  /** Deliveries before the message goes to the dead-letter stream. */
  maxDeliver?: number;
  /** How long the server waits for an ack before redelivering (kept alive while the handler runs). */
  ackWaitMs?: number;
  /** A handler still running after this long is abandoned: its message is redelivered. */
  handlerTimeoutMs?: number;
  /** Handlers of this consumer running at once, per process. */
  concurrency?: number;
  /** Nak delay after the n-th failed delivery: base · 2^(n-1), capped. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Messages that fail their catalog schema are dead-lettered at once (default true). */
  validatePayloads?: boolean;
  /** Lifetime of one pull request; also how long pulled-but-unstarted messages wait at shutdown. */
  pullExpiresMs?: number;
}

export const DEAD_LETTER_STREAM = 'OFFRAMP_DLQ';
export const DEAD_LETTER_SUBJECT_PREFIX = 'dlq';

export const CONSUMER_DEFAULTS = {
  maxDeliver: 5,
  ackWaitMs: 30_000,
  handlerTimeoutMs: 60_000,
  concurrency: 16,
  backoffBaseMs: 500,
  backoffMaxMs: 60_000,
  validatePayloads: true,
  pullExpiresMs: 5_000,
} as const satisfies Partial<ConsumerDefinition>;

export type ResolvedConsumer = Required<ConsumerDefinition>;

export function resolveConsumer(definition: ConsumerDefinition): ResolvedConsumer {
  const resolved = { ...CONSUMER_DEFAULTS, ...definition } as ResolvedConsumer;
  if (resolved.maxDeliver < 1) throw new Error(`consumer ${definition.durable}: maxDeliver must be at least 1`);
  if (resolved.concurrency < 1) throw new Error(`consumer ${definition.durable}: concurrency must be at least 1`);
  if (resolved.filterSubjects.length === 0) throw new Error(`consumer ${definition.durable}: filterSubjects is empty`);
  return resolved;
}

/** The events stream of the monolith and the slices: every `shop.>` subject. */
export function eventsStream(overrides: Partial<StreamDefinition> = {}): StreamDefinition {
  return {
    name: 'OFFRAMP_EVENTS',
    subjects: ['shop.>'],
    replicas: 1,
    retention: 'limits',
    maxAgeMs: 7 * 24 * 3_600_000,
    duplicateWindowMs: 2 * 3_600_000,
    ...overrides,
  };
}

/** Where messages go that could not be handled, with the reason in their headers. */
export function deadLetterStream(overrides: Partial<StreamDefinition> = {}): StreamDefinition {
  return {
    name: DEAD_LETTER_STREAM,
    subjects: [`${DEAD_LETTER_SUBJECT_PREFIX}.>`],
    replicas: 1,
    retention: 'limits',
    maxAgeMs: 30 * 24 * 3_600_000,
    duplicateWindowMs: 2 * 3_600_000,
    ...overrides,
  };
}
