import { HttpException, Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';

/** The slices whose admin APIs the gateway relays to the dashboard, each with the variable holding its admin token. */
export const RELAYED_SLICES = { pipelines: 'GATEWAY_PIPELINES_ADMIN_TOKEN', integrations: 'GATEWAY_INTEGRATIONS_ADMIN_TOKEN' } as const;
export type RelayedSlice = keyof typeof RELAYED_SLICES;

/** Long enough for a loaded slice, short enough that the dashboard says "unavailable" instead of hanging. */
const RELAY_TIMEOUT_MS = 5_000;

/** The slice cannot be asked (not configured, down, or answering 5xx): a 503 that names it, so the dashboard shows it unavailable. */
export class SliceUnavailableException extends ServiceUnavailableException {
  constructor(
    readonly slice: RelayedSlice,
    reason: string,
  ) {
    super({ code: 'slice_unavailable', slice, detail: `${slice} is unavailable: ${reason}` });
  }
}

/**
 * Calls a slice's own admin API with that slice's token, at the URL GATEWAY_SERVICES gives it.
 * A 4xx of the slice (an unknown uuid, bad input) is passed on as its problem; anything else
 * that is not a 2xx is the slice being unavailable.
 */
@Injectable()
export class SliceAdminRelay {
  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  async call<T>(slice: RelayedSlice, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const base = this.config.GATEWAY_SERVICES[slice];
    if (!base) throw new SliceUnavailableException(slice, `no ${slice}= entry in GATEWAY_SERVICES`);
    const token = this.config[RELAYED_SLICES[slice]];
    if (!token) throw new SliceUnavailableException(slice, `set ${RELAYED_SLICES[slice]}`);
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(RELAY_TIMEOUT_MS),
      });
    } catch (error) {
      throw new SliceUnavailableException(
        slice,
        (error as Error).name === 'TimeoutError' ? `no answer in ${RELAY_TIMEOUT_MS} ms` : 'connection refused or reset',
      );
    }
    const text = await response.text();
    if (response.ok) return JSON.parse(text) as T;
    if (response.status >= 400 && response.status < 500 && response.status !== 401 && response.status !== 403) {
      const problem = parseObject(text);
      throw new HttpException({ ...problem, slice }, response.status);
    }
    // a refused token is the gateway's configuration, not the caller's: the slice is unavailable to it
    throw new SliceUnavailableException(
      slice,
      response.status === 401 || response.status === 403 ? `it refused ${RELAYED_SLICES[slice]}` : `it answered ${response.status}`,
    );
  }
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const { detail, title, code, 'invalid-params': invalid } = value as Record<string, unknown>;
      return { message: typeof detail === 'string' ? detail : typeof title === 'string' ? title : undefined, code, 'invalid-params': invalid };
    }
  } catch {
    // not JSON: the status says enough
  }
  return {};
}
