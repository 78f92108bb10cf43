import type { IncomingHttpHeaders } from 'node:http';
import type { CallerIdentity } from '../identity/identity-provider.js';
import type { RouteSpec } from '../routes/route-spec.js';

export interface CapturedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body was larger than the shadow limit: only status and headers are compared. */
  truncated: boolean;
}

/** One exchange the client already got from the monolith, to be replayed against the slice. */
export interface ShadowJob {
  routeId: string;
  route: RouteSpec;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body?: Buffer;
  requestId: string;
  legacy: CapturedResponse;
  caller: () => Promise<CallerIdentity>;
}

export interface ShadowSink {
  /** Never blocks and never throws: the client has its answer already. */
  submit(job: ShadowJob): void;
}
