import type { ServerResponse } from 'node:http';
import { PROBLEM_CONTENT_TYPE } from '@offramp/platform';

/** Answers with RFC 9457 problem+json, unless the response already started (then it is cut). */
export function sendProblem(
  res: ServerResponse,
  status: number,
  title: string,
  detail: string,
  extraHeaders: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ type: 'about:blank', title, status, detail });
  res.writeHead(status, { 'content-type': PROBLEM_CONTENT_TYPE, 'content-length': Buffer.byteLength(body), ...extraHeaders });
  res.end(body);
}
