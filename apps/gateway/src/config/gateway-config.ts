// The shape lives in @offramp/platform, so `offramp doctor` validates a setup with the gateway's own parser.
export { gatewayConfigShape, gatewayProductionDefaults, type GatewayConfig } from '@offramp/platform';

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
