// First import, on purpose: it tunes V8 before any other module allocates (see the file).
import './process/heap-tuning.js';
import { bootstrapService, ConfigError, serviceConfigFromEnv, type ServiceDefinition } from '@offramp/platform';
import { gatewayConfigShape, gatewayProductionDefaults } from './config/gateway-config.js';
import { GatewayModule } from './gateway.module.js';
import { adminPortOf, runsTheGateway, superviseGatewayWorkers, type WorkerSettings } from './process/workers.js';

const definition: ServiceDefinition<typeof gatewayConfigShape> = {
  name: 'gateway',
  defaultPort: 8080,
  config: gatewayConfigShape,
  productionDefaults: gatewayProductionDefaults,
  // Admin API, /metrics and health on their own listener; PORT is the public proxy's (PublicListener).
  listen: (config) => ({ port: config.GATEWAY_ADMIN_PORT, host: config.GATEWAY_ADMIN_HOST }),
  imports: (config) => [GatewayModule.forRoot(config)],
};

// The whole configuration is checked before any worker starts: one message naming the variable, not one per worker.
let workers: WorkerSettings;
try {
  const config = serviceConfigFromEnv(definition);
  workers = { workers: config.GATEWAY_WORKERS, adminPort: config.GATEWAY_ADMIN_PORT };
  adminPortOf(workers, workers.workers);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`gateway: configuration error: ${error.message}\n`);
  process.exit(78);
}

if (runsTheGateway(workers)) await bootstrapService(definition);
else process.exitCode = await superviseGatewayWorkers(workers);
