import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { phpPrettyJson } from '../php/php-json.js';

/**
 * PHP's `post_max_size` as the monolith runs it (Debian's php.ini: 8M). The gateway's route import
 * defaults a route's body limit to it, and a slice takes bodies up to it, so that the three agree.
 */
export const PHP_POST_MAX_SIZE = 8 * 1024 * 1024;

/** How long the rest of a refused body is read and dropped before a client still sending it is cut (nginx's lingering_timeout). */
export const LINGER_MS = 5_000;

export interface LaravelBodiesOptions {
  /** Bytes; Laravel's ValidatePostSize refuses a larger Content-Length with 413. */
  postMaxSize?: number;
  /** Milliseconds; see LINGER_MS. */
  lingerMs?: number;
}

/**
 * Makes a Fastify app read request bodies as the monolith does: every body is kept as raw bytes
 * (`request.body` is a Buffer, or undefined without one) for `laravelRequestInput` to read as
 * `$request->all()`, instead of Fastify's own JSON and form parsers, which answer 400 or 415 where
 * Laravel reads no input; and a Content-Length above `post_max_size` is answered before anything
 * else runs (authentication included), as ValidatePostSize, a global middleware, answers it:
 * 413 `{"message": ""}` (PostTooLargeException through the exception handler, APP_DEBUG off).
 *
 * The body of a refused request is still read, for up to `lingerMs`, and dropped: closing the
 * connection on bytes the client is still sending resets it, and the client (undici's fetch,
 * curl) then reports EPIPE instead of the 413 it was sent. PHP reads the whole body before
 * answering too; a client still sending after `lingerMs` is cut.
 */
export function readBodiesAsLaravel(fastify: FastifyInstance, options: LaravelBodiesOptions = {}): void {
  const postMaxSize = options.postMaxSize ?? PHP_POST_MAX_SIZE;
  const lingerMs = options.lingerMs ?? LINGER_MS;
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: postMaxSize }, (_request, body, done) => done(null, body));
  fastify.addHook('onRequest', (request, reply, done) => {
    const length = Number(request.headers['content-length'] ?? 0);
    if (length > postMaxSize) {
      dropBody(request.raw, lingerMs);
      void reply
        .status(413)
        .header('content-type', 'application/json')
        .header('cache-control', 'no-cache, private')
        .send(Buffer.from(phpPrettyJson({ message: '' })));
      return;
    }
    done();
  });
}

/**
 * Reads what is left of the request's body and drops it, so that the exchange ends as a whole
 * one (the connection stays open for the next request); one still sending after `lingerMs` is cut.
 */
function dropBody(request: IncomingMessage, lingerMs: number): void {
  const cut = setTimeout(() => request.socket.destroy(), lingerMs);
  cut.unref();
  request.once('end', () => clearTimeout(cut));
  request.once('close', () => clearTimeout(cut));
  request.on('data', () => undefined);
}
