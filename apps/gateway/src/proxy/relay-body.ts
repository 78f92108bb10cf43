import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';

/**
 * Streams the upstream body to the client with backpressure. Hand-rolled instead of
 * stream.pipeline: pipeline allocates an AbortController (and a DOMException with a stack trace)
 * per call, a measurable share of a proxy's CPU. Resolves true when the whole body was sent.
 */
export function relayBody(body: Readable, res: ServerResponse, onChunk?: (chunk: Buffer) => void): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (complete: boolean) => {
      if (settled) return;
      settled = true;
      body.off('data', onData);
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(complete);
    };
    const onData = (chunk: Buffer) => {
      onChunk?.(chunk);
      if (!res.write(chunk)) body.pause();
    };
    const onDrain = () => body.resume();
    const onClose = () => {
      // The client went away before the end: stop reading (undici aborts the upstream request).
      if (!res.writableFinished) {
        body.destroy();
        settle(false);
      }
    };
    body.on('data', onData);
    body.once('end', () => res.end(() => settle(true)));
    body.once('error', () => {
      res.destroy();
      settle(false);
    });
    res.on('drain', onDrain);
    res.once('close', onClose);
  });
}
