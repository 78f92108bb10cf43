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
 * upstream pushes back, a body not consumed yet: its bytes wait in the request) is not the
 * client's stall. Returns a stop.
 */
export function watchBodyIdle(req: IncomingMessage, idleMs: number, onIdle: () => void): () => void {
  const socket = req.socket;
  let seen = socket.bytesRead;
  const timer = setInterval(() => {
    if (req.complete || req.destroyed) return stop();
    const read = socket.bytesRead;
    // Bytes the client sent that the gateway has not read yet: the stall is ours (backpressure).
    const waitingOnUs = req.readableLength > 0;
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

export interface HeldBody {
  /** The whole body when it fit, else its first bytes followed by the rest as it arrives. */
  body: Buffer | AsyncIterable<Buffer>;
  /** Gives the held bytes back to the budget (once the request is done). */
  release(): void;
}

/**
 * Reads up to `limit` body bytes before the gateway asks an upstream for a connection, as nginx
 * buffers request bodies: a client that trickles its body then holds a gateway socket, never one
 * of the upstream's pooled connections. Held bytes count against the shared budget; when it is
 * spent the body is passed on as it arrives.
 */
export async function holdBodyHead(
  source: NodeJS.ReadableStream,
  limit: number,
  budget: { tryReserve(bytes: number): boolean; release(bytes: number): void },
): Promise<HeldBody> {
  const iterator = (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let held = 0;
  const release = () => {
    budget.release(held);
    held = 0;
  };
  try {
    while (held < limit) {
      const next = await iterator.next();
      if (next.done) return { body: Buffer.concat(chunks, held), release };
      const chunk = next.value;
      chunks.push(chunk);
      if (!budget.tryReserve(chunk.length)) break;
      held += chunk.length;
    }
  } catch (error) {
    release();
    throw error;
  }
  async function* rest(): AsyncIterable<Buffer> {
    yield* chunks;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { body: rest(), release };
}
