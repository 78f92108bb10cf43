import { AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { DEAD_LETTER_STREAM, eventsStream, natsSecurityOptions, parseNatsUrl } from '@offramp/messaging';
import { integerField, type GatewayConfig, type ServiceConfig } from '@offramp/platform';
import { fail, ok, reason, skipped, warn, within, type CheckResult } from '../check-result.js';

type Config = ServiceConfig & GatewayConfig;

/** Skew beyond which the check warns (ms), and beyond which it fails: the identity tokens' clock tolerance (5 s). */
export const CLOCK_WARN_MS = 1_000;
export const CLOCK_FAIL_MS = 5_000;

interface StreamExpectation {
  stream: string;
  kind: string;
  /** Replicas the configuration asks for, and the variable that asks (undefined: no variable here says). */
  replicas?: { count: number; variable: string };
  /** Who makes it, for the fix. */
  maker: string;
}

/** What the gateway and the slices declare, by the names their configuration gives them. */
export function expectedStreams(config: Config, env: NodeJS.ProcessEnv): StreamExpectation[] {
  const gateway = { count: config.GATEWAY_NATS_REPLICAS, variable: 'GATEWAY_NATS_REPLICAS' };
  const makesGateway = 'start the gateway with this configuration (it creates its buckets and stream on start)';
  // pipelines' own variable; read here only when this environment sets it (the doctor runs with the gateway's).
  const eventsReplicas = env['EVENTS_STREAM_REPLICAS'] ? integerField(1, 5).safeParse(env['EVENTS_STREAM_REPLICAS']) : undefined;
  const events = eventsReplicas?.success ? { count: eventsReplicas.data, variable: 'EVENTS_STREAM_REPLICAS' } : undefined;
  const makesEvents = 'start pipelines (it declares the events and dead-letter streams)';
  return [
    { stream: `KV_${config.GATEWAY_ROUTES_BUCKET}`, kind: 'route table bucket (GATEWAY_ROUTES_BUCKET)', replicas: gateway, maker: makesGateway },
    { stream: `KV_${config.GATEWAY_STATS_BUCKET}`, kind: 'shadow stats bucket (GATEWAY_STATS_BUCKET)', replicas: gateway, maker: makesGateway },
    { stream: `KV_${config.GATEWAY_HISTORY_BUCKET}`, kind: 'metrics history bucket (GATEWAY_HISTORY_BUCKET)', replicas: gateway, maker: makesGateway },
    { stream: config.GATEWAY_SHADOW_STREAM, kind: 'shadow mismatch stream (GATEWAY_SHADOW_STREAM)', replicas: gateway, maker: makesGateway },
    { stream: eventsStream().name, kind: 'events stream', replicas: events, maker: makesEvents },
    { stream: DEAD_LETTER_STREAM, kind: 'dead-letter stream', replicas: events, maker: makesEvents },
  ];
}

/** Connects as the gateway does (NATS_URL, its creds and TLS files, its inbox prefix). */
async function connectAsGateway(config: Config, timeoutMs: number): Promise<NatsConnection> {
  const { servers, user, pass, token } = parseNatsUrl(config.NATS_URL);
  return connect({
    servers,
    user,
    pass,
    token,
    ...natsSecurityOptions({
      credsFile: config.NATS_CREDS_FILE,
      nkeySeedFile: config.NATS_NKEY_SEED_FILE,
      tls: { caFile: config.NATS_TLS_CA_FILE, certFile: config.NATS_TLS_CERT_FILE, keyFile: config.NATS_TLS_KEY_FILE },
    }),
    // docker/nats/offramp.conf lets the gateway's user subscribe to its own inboxes only.
    inboxPrefix: '_INBOX_gateway',
    name: 'offramp-doctor',
    timeout: timeoutMs,
    reconnect: false,
  });
}

/** NATS with JetStream, the streams and buckets (replicas), and this machine's clock against the server's. */
export async function checkNats(config: Config, env: NodeJS.ProcessEnv, timeoutMs: number, clockOffsetMs: number): Promise<CheckResult[]> {
  const streams = expectedStreams(config, env);
  const servers = parseNatsUrl(config.NATS_URL).servers.join(',');
  const skipAll = (because: string) => [...streams.map((s) => skipped(`stream ${s.stream}`, because)), skipped('clock', because)];
  let nc: NatsConnection;
  try {
    nc = await within(timeoutMs, () => connectAsGateway(config, timeoutMs));
  } catch (error) {
    return [
      fail(
        'nats',
        `cannot reach NATS at ${servers} (${reason(error)})`,
        'start nats-server with JetStream (nats-server -js) there, or set NATS_URL to where it runs',
      ),
      ...skipAll('NATS does not answer'),
    ];
  }
  try {
    let jsm: JetStreamManager;
    try {
      jsm = await within(timeoutMs, () => jetstreamManager(nc, { timeout: timeoutMs }));
    } catch (error) {
      return [
        fail(
          'nats',
          `NATS at ${nc.getServer()} answers, JetStream does not (${reason(error)})`,
          'run nats-server with JetStream: -js, or a jetstream {} block in its config',
        ),
        ...skipAll('JetStream is not available'),
      ];
    }
    const results: CheckResult[] = [ok('nats', `${nc.getServer()} answers, JetStream enabled (nats-server ${nc.info?.version ?? '?'})`)];
    const present: string[] = [];
    for (const expected of streams) {
      const { result, exists } = await checkStream(jsm, expected, timeoutMs);
      if (exists) present.push(expected.stream);
      results.push(result);
    }
    results.push(
      present[0]
        ? await checkClock(jsm, present[0], timeoutMs, clockOffsetMs)
        : skipped('clock', 'no stream exists to ask the server for its time', 'create the streams (above) first'),
    );
    return results;
  } finally {
    await nc.close().catch(() => undefined);
  }
}

async function checkStream(jsm: JetStreamManager, expected: StreamExpectation, timeoutMs: number): Promise<{ result: CheckResult; exists: boolean }> {
  const name = `stream ${expected.stream}`;
  let replicas: number;
  try {
    replicas = (await within(timeoutMs, () => jsm.streams.info(expected.stream))).config.num_replicas;
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)
      return { result: fail(name, `${expected.kind} missing`, expected.maker), exists: false };
    return {
      result: fail(name, `cannot read the ${expected.kind} (${reason(error)})`, 'let the NATS user read stream info ($JS.API.STREAM.INFO.>)'),
      exists: false,
    };
  }
  return { result: replicasResult(name, expected, replicas), exists: true };
}

function replicasResult(name: string, expected: StreamExpectation, replicas: number): CheckResult {
  const asked = expected.replicas;
  if (!asked) return ok(name, `${expected.kind} present, ${replicas} replica(s)`);
  if (replicas >= asked.count) return ok(name, `${expected.kind} present, ${replicas} replica(s) (${asked.variable}=${asked.count})`);
  return fail(
    name,
    `${expected.kind} has ${replicas} replica(s), ${asked.variable} asks for ${asked.count}`,
    `restart what owns it with ${asked.variable}=${asked.count} on a JetStream cluster of at least ${asked.count} nodes (it grows the stream on start), or set ${asked.variable}=${replicas}`,
  );
}

/**
 * The server's time is the creation time it gives a consumer: an ephemeral one on a stream that
 * exists, created and deleted at once (nothing is read or written). The skew is that time against
 * the middle of the local request, give or take half the round trip.
 */
async function checkClock(jsm: JetStreamManager, stream: string, timeoutMs: number, offsetMs: number): Promise<CheckResult> {
  try {
    const before = Date.now() + offsetMs;
    const info = await within(timeoutMs, () =>
      jsm.consumers.add(stream, { ack_policy: AckPolicy.None, deliver_policy: DeliverPolicy.New, mem_storage: true, inactive_threshold: 10_000 * 1e6 }),
    );
    const after = Date.now() + offsetMs;
    await jsm.consumers.delete(stream, info.name).catch(() => undefined);
    const server = Date.parse(info.created.replace(/(\.\d{3})\d+/, '$1'));
    if (Number.isNaN(server))
      return warn('clock', `the server gave no readable time ("${info.created}")`, 'compare the clocks by hand (date -u on both machines)');
    const skew = Math.round(server - (before + after) / 2);
    const margin = Math.ceil((after - before) / 2);
    const beyond = Math.max(0, Math.abs(skew) - margin);
    const text = `this machine's clock is ${Math.abs(skew)} ms ${skew > 0 ? 'behind' : 'ahead of'} the NATS server's (±${margin} ms)`;
    const fix = 'synchronise the clocks (NTP: chrony or systemd-timesyncd) on this machine and the NATS servers';
    if (beyond > CLOCK_FAIL_MS) return fail('clock', `${text}: beyond the identity tokens' ${CLOCK_FAIL_MS / 1000} s tolerance`, fix);
    if (beyond > CLOCK_WARN_MS) return warn('clock', `${text}: more than ${CLOCK_WARN_MS / 1000} s`, fix);
    return ok('clock', text);
  } catch (error) {
    return warn(
      'clock',
      `cannot ask the server for its time (${reason(error)})`,
      'let the NATS user create consumers on the gateway streams, or compare clocks by hand',
    );
  }
}
