import { type DynamicModule, Module } from '@nestjs/common';
import { IdentityModule } from '@offramp/platform';
import { AdminController } from './admin/admin.controller.js';
import { AdminTokenGuard } from './admin/admin-token.guard.js';
import { GATEWAY_CONFIG, type GatewayConfig } from './config/gateway-config.js';
import { GatewayRuntime } from './gateway-runtime.js';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [IdentityModule.forSigning(config)],
      controllers: [AdminController],
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }, GatewayRuntime, AdminTokenGuard],
    };
  }
}
