// First import, on purpose: it tunes V8 before any other module allocates (see the file).
import './process/short-lived-allocations.js';
import { bootstrapService } from '@offramp/platform';
import { gatewayConfigShape, gatewayProductionDefaults } from './config/gateway-config.js';
import { GatewayModule } from './gateway.module.js';

await bootstrapService({
  name: 'gateway',
  defaultPort: 8080,
  config: gatewayConfigShape,
  productionDefaults: gatewayProductionDefaults,
  // Admin API, /metrics and health on their own listener; PORT is the public proxy's (PublicListener).
  listen: (config) => ({ port: config.GATEWAY_ADMIN_PORT, host: config.GATEWAY_ADMIN_HOST }),
  imports: (config) => [GatewayModule.forRoot(config)],
});
