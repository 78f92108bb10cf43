import type { GatewayConfig } from '../config/gateway-config.js';
import type { ProxySettings } from './proxy-engine.js';

/** The proxy engine's settings from the gateway's validated configuration. */
export function proxySettingsFromConfig(config: GatewayConfig): ProxySettings {
  return {
    routingHeaders: config.GATEWAY_ROUTING_HEADERS,
    maxBodyBytes: config.GATEWAY_MAX_BODY_BYTES,
    routeMaxBodyBytes: config.GATEWAY_ROUTE_MAX_BODY_BYTES,
    maxHeaderBytes: config.GATEWAY_MAX_HEADER_BYTES,
    maxUrlBytes: config.GATEWAY_MAX_URL_BYTES,
    defaultTimeoutMs: config.GATEWAY_TIMEOUT_MS,
    testers: new Set(config.GATEWAY_TESTERS),
    shadowMaxBodyBytes: config.GATEWAY_SHADOW_MAX_BODY_BYTES,
    bodyIdleTimeoutMs: config.GATEWAY_BODY_IDLE_TIMEOUT_MS,
    bodyBufferBytes: config.GATEWAY_BODY_BUFFER_BYTES,
    inspectBodyBytes: config.GATEWAY_CSRF_MAX_BODY_BYTES,
    retryBudgetMs: config.GATEWAY_RETRY_BUDGET_MS,
  };
}
