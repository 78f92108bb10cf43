import { readFileSync } from 'node:fs';
import type { GatewayConfig } from '../config/gateway-config.js';
import { CsrfGuard, type CsrfSettings } from './csrf-guard.js';
import type { CsrfSessionSource } from './csrf-session-source.js';

/** The gateway's CSRF check as its configuration describes it (GATEWAY_CSRF_*). */
export function csrfGuardFromConfig(config: GatewayConfig, source: CsrfSessionSource, budget: CsrfSettings['budget']): CsrfGuard {
  return new CsrfGuard(source, {
    maxBodyBytes: config.GATEWAY_CSRF_MAX_BODY_BYTES,
    requestMaxBodyBytes: config.GATEWAY_MAX_BODY_BYTES,
    jsonPaths: config.GATEWAY_CSRF_JSON_PATHS,
    // Read once at start: the variable was checked to name a readable file.
    page: config.GATEWAY_CSRF_PAGE_FILE ? readFileSync(config.GATEWAY_CSRF_PAGE_FILE, 'utf8') : undefined,
    budget,
  });
}
