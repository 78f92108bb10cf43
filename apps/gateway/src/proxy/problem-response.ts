import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEM_CONTENT_TYPE } from '@offramp/platform';

/** Answers with RFC 9457 problem+json, unless the response already started (then it is cut). */
export function sendProblem(res: ServerResponse, status: number, title: string, detail: string, extraHeaders: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ type: 'about:blank', title, status, detail });
  res.writeHead(status, { 'content-type': PROBLEM_CONTENT_TYPE, 'content-length': Buffer.byteLength(body), ...extraHeaders });
  res.end(body);
}

/**
 * A whole problem+json response as bytes, for a raw socket (an upgrade refused, a connection over
 * its client's limit, a malformed request): always `Connection: close`.
 */
export function problemBytes(status: number, title: string, detail: string, extraHeaders: Record<string, string> = {}): string {
  const body = JSON.stringify({ type: 'about:blank', title, status, detail });
  const headers = { 'content-type': PROBLEM_CONTENT_TYPE, 'content-length': String(Buffer.byteLength(body)), ...extraHeaders, connection: 'close' };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return `HTTP/1.1 ${status} ${title}\r\n${lines.join('\r\n')}\r\n\r\n${body}`;
}

/**
 * Writes a problem on a raw socket and destroys it once flushed: a client that stops reading cannot
 * keep it half-open. With `lingerMs`, what the client still sends (the rest of a huge head or its
 * body) is read and dropped for up to that long first, as nginx's lingering close does: closing
 * on unread bytes sends a TCP reset, which makes the client lose the answer it was sent.
 */
export function endWithProblem(
  socket: Duplex,
  status: number,
  title: string,
  detail: string,
  extraHeaders: Record<string, string> = {},
  { lingerMs = 0 }: { lingerMs?: number } = {},
): void {
  if (!socket.writable) return void socket.destroy();
  if (lingerMs <= 0) return void socket.end(problemBytes(status, title, detail, extraHeaders), () => socket.destroy());
  socket.end(problemBytes(status, title, detail, extraHeaders));
  const stop = setTimeout(() => socket.destroy(), lingerMs);
  stop.unref();
  socket.once('close', () => clearTimeout(stop));
  socket.once('end', () => socket.destroy());
  socket.on('data', () => undefined);
  socket.resume();
}
