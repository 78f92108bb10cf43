import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { PublicListener } from './proxy/public-listener.js';

/**
 * The public listener's start and stop, around Nest's own (the admin listener): it opens once
 * every provider is initialised, and closes first at shutdown, so no new request arrives and
 * those in flight finish before the upstream pools close (Upstreams, on application shutdown).
 */
export class GatewayLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Gateway');

  constructor(
    private readonly listener: PublicListener,
    private readonly address: { host: string; port: number },
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.listener.listen();
    const { host, port } = this.address;
    this.logger.log(`public listener on http://${host.includes(':') ? `[${host}]` : host}:${port} (proxy only)`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.listener.close();
  }
}
