import type { OnApplicationShutdown } from '@nestjs/common';
import { Upstream, type UpstreamOptions } from './upstream.js';

/** The monolith and every slice named in GATEWAY_SERVICES, each a keep-alive pool with its circuit breaker. */
export class Upstreams implements OnApplicationShutdown {
  readonly legacy: Upstream;
  readonly services: ReadonlyMap<string, Upstream>;

  constructor(legacyUrl: string, services: Readonly<Record<string, string>>, options: UpstreamOptions) {
    this.legacy = new Upstream('legacy', legacyUrl, options);
    this.services = new Map(Object.entries(services).map(([name, url]) => [name, new Upstream(name, url, options)]));
  }

  /** After the public listener closed (beforeApplicationShutdown): the requests in flight are done with their pools. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.legacy.close(), ...[...this.services.values()].map((upstream) => upstream.close())]);
  }
}
