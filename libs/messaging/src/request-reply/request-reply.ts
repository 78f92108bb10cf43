import { type DynamicModule, Inject, Injectable, Module } from '@nestjs/common';
import { ClientProxy, ClientsModule, Transport } from '@nestjs/microservices';
import { firstValueFrom, timeout as rxTimeout } from 'rxjs';
import { parseNatsUrl } from '../connection/nats-url.js';

export const SERVICE_CLIENT_PROXY = 'OFFRAMP_SERVICE_CLIENT_PROXY';
export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;

export class RequestTimeoutError extends Error {
  constructor(pattern: string, ms: number) {
    super(`no reply to ${pattern} within ${ms} ms`);
    this.name = 'RequestTimeoutError';
  }
}

/**
 * Request/reply between services over Nest's own NATS transport (core NATS: a request is not
 * persisted, so it must never wait forever): every call has a timeout.
 */
@Injectable()
export class ServiceClient {
  constructor(
    @Inject(SERVICE_CLIENT_PROXY) private readonly client: ClientProxy,
    @Inject('OFFRAMP_DEFAULT_REQUEST_TIMEOUT_MS') private readonly defaultTimeoutMs: number,
  ) {}

  async request<R = unknown, D = unknown>(pattern: string, data: D, timeoutMs = this.defaultTimeoutMs): Promise<R> {
    try {
      return await firstValueFrom(this.client.send<R, D>(pattern, data).pipe(rxTimeout(timeoutMs)));
    } catch (error) {
      if ((error as Error)?.name === 'TimeoutError') throw new RequestTimeoutError(pattern, timeoutMs);
      throw error;
    }
  }
}

@Module({})
export class RequestReplyModule {
  static forRoot(options: { url: string; name: string; timeoutMs?: number }): DynamicModule {
    const { servers, user, pass, token } = parseNatsUrl(options.url);
    return {
      module: RequestReplyModule,
      imports: [
        ClientsModule.register([
          {
            name: SERVICE_CLIENT_PROXY,
            transport: Transport.NATS,
            options: { servers, user, pass, token, name: `${options.name}-rpc`, maxReconnectAttempts: -1 },
          },
        ]),
      ],
      providers: [ServiceClient, { provide: 'OFFRAMP_DEFAULT_REQUEST_TIMEOUT_MS', useValue: options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS }],
      exports: [ServiceClient],
    };
  }
}

/** Options for `app.connectMicroservice` to answer `@MessagePattern` requests over NATS. */
export function natsRequestReplyServer(url: string, queue: string) {
  const { servers, user, pass, token } = parseNatsUrl(url);
  return { transport: Transport.NATS, options: { servers, user, pass, token, queue, maxReconnectAttempts: -1 } } as const;
}
