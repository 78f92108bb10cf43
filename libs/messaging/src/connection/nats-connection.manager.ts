import { Logger } from '@nestjs/common';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { natsSecurityOptions, type NatsSecuritySettings } from './nats-auth.js';
import { parseNatsUrl } from './nats-url.js';

export interface NatsConnectionSettings {
  url: string;
  /** Shown in the server's connection list (`nats server report connections`). */
  name: string;
  /** Upper bound for draining in-flight messages at shutdown. */
  drainTimeoutMs?: number;
  /** Creds, nkey and TLS files (NATS_CREDS_FILE, NATS_NKEY_SEED_FILE, NATS_TLS_*). */
  security?: NatsSecuritySettings;
  /**
   * Subject prefix of this connection's reply inboxes (`_INBOX` by default). One per service
   * (`_INBOX_<service>`) lets the server's permissions keep each service's replies and consumer
   * deliveries to itself: with a shared `_INBOX.>` any user could subscribe to everyone's.
   */
  inboxPrefix?: string;
  /**
   * Capture a stack trace when each request starts (every JetStream publish and ack wait is
   * one) to enrich timeout errors. Off by default: it costs more than the publish itself.
   */
  asyncTraces?: boolean;
}

export type NatsConnectionState = 'connecting' | 'connected' | 'disconnected' | 'closed';

/**
 * Owns the service's one NATS connection. It connects in the background and reconnects forever
 * with backoff, so a NATS outage makes the service unready instead of killing it.
 */
export class NatsConnectionManager {
  private readonly logger = new Logger('Nats');
  private connection?: NatsConnection;
  private state: NatsConnectionState = 'connecting';
  private readonly firstConnect: Promise<NatsConnection>;

  constructor(private readonly settings: NatsConnectionSettings) {
    const { servers, user, pass, token } = parseNatsUrl(settings.url);
    const security = natsSecurityOptions(settings.security ?? {});
    this.firstConnect = connect({
      servers,
      user,
      pass,
      token,
      ...security,
      ...(settings.inboxPrefix ? { inboxPrefix: settings.inboxPrefix } : {}),
      noAsyncTraces: !settings.asyncTraces,
      name: settings.name,
      waitOnFirstConnect: true,
      maxReconnectAttempts: -1,
      // Backoff between attempts: 1 s plus jitter, forever; nats.js cycles through every server.
      reconnectTimeWait: 1_000,
      reconnectJitter: 250,
      reconnectJitterTLS: 1_000,
      pingInterval: 5_000,
      maxPingOut: 2,
    }).then((nc) => {
      this.connection = nc;
      this.state = 'connected';
      this.logger.log(`connected to ${nc.getServer()}`);
      void this.followStatus(nc);
      return nc;
    });
    // A rejection here only happens on close before connecting; callers see it through connected().
    this.firstConnect.catch((error: Error) => {
      this.state = 'closed';
      this.logger.error(`NATS connection failed: ${error.message}`);
    });
  }

  get currentState(): NatsConnectionState {
    return this.state;
  }

  /** Resolves once the first connection is up. */
  connected(): Promise<NatsConnection> {
    return this.firstConnect;
  }

  /** Round trip to the server, bounded: true only when NATS answers within the timeout. */
  async ping(timeoutMs: number): Promise<boolean> {
    const nc = this.connection;
    if (!nc || this.state !== 'connected') return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      return await Promise.race([nc.flush().then(() => true), timeout]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    const nc = this.connection;
    if (!nc || nc.isClosed()) return;
    const timeoutMs = this.settings.drainTimeoutMs ?? 5_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    try {
      // Drain lets subscriptions finish what they hold and flushes pending publishes.
      await Promise.race([nc.drain(), timeout]);
    } catch (error) {
      this.logger.warn(`drain failed: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
      if (!nc.isClosed()) await nc.close();
      this.state = 'closed';
    }
  }

  private async followStatus(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      switch (status.type) {
        case 'disconnect':
          this.state = 'disconnected';
          this.logger.warn('disconnected from NATS; reconnecting');
          break;
        case 'reconnect':
          this.state = 'connected';
          this.logger.log(`reconnected to ${nc.getServer()}`);
          break;
        case 'close':
          this.state = 'closed';
          break;
      }
    }
  }
}
