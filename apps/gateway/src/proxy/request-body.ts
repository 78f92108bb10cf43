import type { IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the request body is larger than ${limit} bytes`);
  }
}

export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Reads a (small, bounded) body into memory: for a replay to the monolith or a shadow copy. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}

/**
 * The body as a stream for undici. A declared Content-Length was checked before; a chunked body
 * is counted as it flows and cut at the limit, so a 1 GiB upload passes through in constant memory.
 */
export function streamedBody(req: IncomingMessage, limit: number): IncomingMessage | Transform {
  if (req.headers['transfer-encoding'] === undefined) return req;
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > limit) callback(new BodyTooLargeError(limit));
      else callback(null, chunk);
    },
  });
  req.on('error', (error) => counter.destroy(error));
  return req.pipe(counter);
}

/** Sum of the request head's field names and values, as a proxy measures header size. */
export function headerBytes(req: IncomingMessage): number {
  const raw = req.rawHeaders;
  let size = (req.url?.length ?? 0) + (req.method?.length ?? 0);
  for (const field of raw) size += field.length + 2;
  return size;
}

/**
 * Calls `onIdle` when the client sends no body byte for `idleMs` while the gateway waits for
 * one. Polls the socket's byte count instead of listening for data: a 'data' listener would take
 * the socket off Node's native HTTP parsing. Time the gateway itself is not reading (the
 * upstream pushes back, a body not consumed yet) is not the client's stall. Returns a stop.
 */
export function watchBodyIdle(req: IncomingMessage, idleMs: number, onIdle: () => void): () => void {
  const socket = req.socket;
  let seen = socket.bytesRead;
  const timer = setInterval(() => {
    if (req.complete || req.destroyed) return stop();
    const read = socket.bytesRead;
    const waitingOnUs = req.readableLength > 0 || req.isPaused() || socket.isPaused();
    if (read !== seen || waitingOnUs) {
      seen = read;
      return;
    }
    stop();
    onIdle();
  }, idleMs);
  timer.unref();
  const stop = () => clearInterval(timer);
  return stop;
}
