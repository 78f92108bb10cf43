import { applyDecorators, Logger, UseFilters } from '@nestjs/common';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type CustomTransportStrategy, EventPattern, Server } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import type { NatsConnectionManager } from '../connection/nats-connection.manager.js';
import { type ConsumerDefinition, deadLetterStream, resolveConsumer, type StreamDefinition } from '../jetstream/definitions.js';
import { provisionConsumers, provisionStreams } from '../jetstream/provisioner.js';
import { linearBackoff } from '../retry/backoff.js';
import { retryWithBackoff } from '../retry/retry-with-backoff.js';
import { ConsumerRunner, type ConsumerOutcomeListener } from './consumer-runner.js';
import type { JetStreamContext } from './jetstream.context.js';
import { JetStreamExceptionFilter } from './jetstream-exception.filter.js';

export interface JetStreamServerOptions {
  connection: NatsConnectionManager;
  /** Streams this service declares (the dead-letter stream is always added). */
  streams?: StreamDefinition[];
  consumers: ConsumerDefinition[];
  deadLetter?: Partial<StreamDefinition>;
  /** How long close() waits for running handlers. */
  shutdownTimeoutMs?: number;
  onOutcome?: ConsumerOutcomeListener;
}

export const JETSTREAM_TRANSPORT = Symbol('offramp-jetstream');
const PROVISION_BACKOFF = linearBackoff({ stepMs: 250, maxMs: 5_000 });

/**
 * `@EventPattern(subject)` bound to the JetStream transport only. Prefer it in a hybrid app that
 * also runs Nest's NATS server: there a plain `@EventPattern` would also subscribe on core NATS,
 * which sees every JetStream publish too, and handle each event a second time, unacknowledged.
 *
 * It carries JetStreamExceptionFilter too: the transport needs the handler's own error (its
 * message for the dead letter, a RetryLaterError's delay), and a global filter cannot do it, as a
 * microservice connected to a running app has bound its handlers before one can be registered.
 */
export function JetStreamEvent(subject: string): MethodDecorator {
  return applyDecorators(EventPattern(subject, JETSTREAM_TRANSPORT) as unknown as MethodDecorator, UseFilters(new JetStreamExceptionFilter()));
}

/**
 * A Nest transport over JetStream durable pull consumers, so a handler is an ordinary
 * `@EventPattern('shop.orders.placed.v1')` method. At least once: ack follows the handler's
 * promise; nak with backoff when it throws; dead-letter with the reason after the last delivery.
 */
export class JetStreamServer extends Server implements CustomTransportStrategy {
  override readonly transportId = JETSTREAM_TRANSPORT;
  // Handler failures must reach us (to nak), not be swallowed and logged by Nest.
  override readonly propagatesEventHandlerErrors = true;
  protected override readonly logger = new Logger('JetStreamServer');
  private runners: ConsumerRunner[] = [];
  private readonly closing = new AbortController();
  /** Nest's pattern lookup normalises the pattern on every call; subjects repeat, so keep it. */
  private readonly handlerCache = new Map<string, ReturnType<Server['getHandlerByPattern']>>();

  constructor(private readonly options: JetStreamServerOptions) {
    super();
    for (const consumer of options.consumers) resolveConsumer(consumer);
  }

  listen(callback: (error?: unknown) => void): void {
    this.start().then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  private async start(): Promise<void> {
    const nc = await this.options.connection.connected();
    // Until JetStream makes them: a stream another service declares may not exist yet, and a
    // request may time out (a busy server, a leader election). One refusal must not leave the
    // service up with none of its handlers running; close() ends the wait (RetryAbortedError).
    await retryWithBackoff(
      async () => {
        const jsm = await jetstreamManager(nc);
        await provisionStreams(jsm, [...(this.options.streams ?? []), deadLetterStream(this.options.deadLetter)], this.logger);
        await provisionConsumers(jsm, this.options.consumers, this.logger);
      },
      {
        backoff: PROVISION_BACKOFF,
        signal: this.closing.signal,
        onRetry: (error, _failures, delayMs) => this.logger.warn(`consumers not made yet (${(error as Error).message}); trying again in ${delayMs} ms`),
      },
    );
    const js = jetstream(nc);
    for (const definition of this.options.consumers) {
      const consumer = resolveConsumer(definition);
      for (const subject of consumer.filterSubjects) {
        if (!this.getHandlerByPattern(subject))
          this.logger.warn(`consumer ${consumer.durable}: no @EventPattern('${subject}') handler; such messages are dead-lettered`);
      }
      const runner = new ConsumerRunner(
        js,
        consumer,
        (subject, data, context) => this.dispatch(subject, data, context),
        (subject) => this.handlerFor(subject) !== null,
        this.logger,
        this.options.onOutcome,
      );
      runner.start();
      this.runners.push(runner);
    }
    this.logger.log(`consuming ${this.options.consumers.map((c) => `${c.stream}/${c.durable}`).join(', ')}`);
  }

  private async dispatch(subject: string, data: unknown, context: JetStreamContext): Promise<void> {
    const handler = this.handlerFor(subject);
    if (!handler) throw new Error(`no handler for ${subject}`);
    const result = await handler(data, context);
    // Nest hands back the handler's value, or an Observable (an observable handler, or the
    // exception filter's error stream); only the latter needs subscribing.
    if (!isObservable(result)) return;
    try {
      await lastValueFrom(result, { defaultValue: undefined });
    } catch (error) {
      // A plain @EventPattern has no JetStreamExceptionFilter: Nest hands over {status, message} instead of the error.
      if (error instanceof Error) throw error;
      const message = (error as { message?: unknown })?.message;
      throw new Error(typeof message === 'string' ? message : JSON.stringify(error));
    }
  }

  private handlerFor(subject: string) {
    let handler = this.handlerCache.get(subject);
    if (handler === undefined) {
      handler = this.getHandlerByPattern(subject);
      this.handlerCache.set(subject, handler);
    }
    return handler;
  }

  /** Stop pulling, let running handlers finish (bounded); the connection is drained after. */
  async close(): Promise<void> {
    this.closing.abort();
    const timeout = this.options.shutdownTimeoutMs ?? 10_000;
    const results = await Promise.all(this.runners.map((runner) => runner.stop(timeout)));
    if (results.includes(false)) this.logger.warn(`handlers still running after ${timeout} ms; their messages will be redelivered`);
    this.runners = [];
  }

  on(): void {
    throw new Error('JetStreamServer has no events to subscribe to');
  }

  unwrap<T>(): T {
    return this.runners as T;
  }
}
