import type { IncomingMessage, ServerResponse } from 'node:http';
import { answersJson, compilePathPatterns, csrfTokensMatch, inputSource, inputToken, phpFalsy } from '@offramp/legacy-bridge';
import type { RouteSpec } from '../routes/route-spec.js';
import { hasBody, holdBodyHead, streamedBody } from '../proxy/request-body.js';
import type { CsrfSessionSource } from './csrf-session-source.js';
import { PAGE_EXPIRED_HTML, PAGE_EXPIRED_JSON } from './page-expired.js';

/** VerifyCsrfToken::isReading: these never need a token. */
const READING = new Set(['GET', 'HEAD', 'OPTIONS']);
/** The states in which a slice may answer: there the monolith's own check may not run, so the gateway makes it. */
const SLICE_STATES = new Set<RouteSpec['state']>(['canary', 'service', 'retired']);

export interface CsrfSettings {
  /** Bodies (form, multipart, JSON) up to this size are read for a `_token` field and sent on from memory. */
  maxBodyBytes: number;
  /** The gateway's limit for any body (a chunked body is cut there). */
  requestMaxBodyBytes: number;
  /** `Request::is` patterns whose 419 is JSON whatever the Accept header says (the app's Handler::shouldReturnJson). */
  jsonPaths: readonly string[];
  /** The 419 page for HTML clients; Laravel's own by default. */
  page?: string;
  /** The gateway-wide cap on request-body bytes held in memory: what does not fit is passed on unread. */
  budget: { tryReserve(bytes: number): boolean; release(bytes: number): void };
}

export interface CsrfVerdict {
  verified: boolean;
  /**
   * The request body when the check read it (a Buffer, or the bytes read followed by the unread
   * rest): it must be sent on instead of the request, which has been consumed.
   */
  body?: Buffer | AsyncIterable<Buffer>;
}

/**
 * Laravel's VerifyCsrfToken, made by the gateway for unsafe requests to routes whose monolith route
 * has it, in the states where a slice may answer: the token from `_token` (body, then query),
 * X-CSRF-TOKEN, or X-XSRF-TOKEN (decrypted), in Laravel's order, compared with the session's.
 */
export class CsrfGuard {
  private readonly jsonPaths: RegExp[];
  private readonly page: string;

  constructor(
    private readonly source: CsrfSessionSource,
    private readonly settings: CsrfSettings,
  ) {
    this.jsonPaths = compilePathPatterns(settings.jsonPaths);
    this.page = settings.page ?? PAGE_EXPIRED_HTML;
  }

  /**
   * A route without `csrf` (hand-written, or imported without middleware) is checked: a route that
   * moves without the monolith's protection is the hole; `csrf: false` opts out (webhooks, token APIs).
   */
  applies(method: string, route: RouteSpec | undefined): boolean {
    return route !== undefined && !READING.has(method) && route.csrf !== false && SLICE_STATES.has(route.state);
  }

  /**
   * `res` is where the request is answered: body bytes held for it are given back when it closes.
   * `read` is the whole body when the gateway read it already (for a method override).
   */
  async verify(req: IncomingMessage, res: ServerResponse, read?: Buffer): Promise<CsrfVerdict> {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const contentType = single(req.headers['content-type']);
    const source = hasBody(req) ? inputSource(contentType, method) : undefined;
    let forward: Buffer | AsyncIterable<Buffer> | undefined;
    let body: Buffer | undefined;
    if (source && read) {
      forward = body = read;
    } else if (source) {
      const declared = Number(req.headers['content-length'] ?? NaN);
      // Larger than the limit: streamed on unread, its `_token` not looked at; the headers still count.
      if (!(declared > this.settings.maxBodyBytes)) {
        // One byte over the limit, so that a body of exactly the limit is seen whole.
        const held = await holdBodyHead(streamedBody(req, this.settings.requestMaxBodyBytes), this.settings.maxBodyBytes + 1, this.settings.budget);
        res.once('close', held.release);
        forward = held.body;
        if (Buffer.isBuffer(held.body)) body = held.body;
      }
    }
    const query = url.indexOf('?');
    let token: unknown = inputToken(query === -1 ? '' : url.slice(query + 1), body, source, contentType);
    // `$request->input('_token') ?: $request->header('X-CSRF-TOKEN')`, then X-XSRF-TOKEN when still falsy.
    if (phpFalsy(token)) token = single(req.headers['x-csrf-token']);
    if (phpFalsy(token)) {
      const xsrf = single(req.headers['x-xsrf-token']);
      if (!phpFalsy(xsrf) && xsrf !== undefined) token = this.source.xsrfToken(xsrf) ?? '';
    }
    // Without a string token nothing can match: the session is not read.
    if (typeof token !== 'string') return { verified: false, body: forward };
    const sessionToken = await this.source.csrfSessionToken(req);
    return { verified: csrfTokensMatch(sessionToken, token), body: forward };
  }

  /** Laravel's answer to a TokenMismatchException: 419 with the "Page Expired" page, or its JSON. */
  refuse(req: IncomingMessage, res: ServerResponse, extraHeaders: Record<string, string>): void {
    const json = answersJson(req.headers, req.url ?? '/', this.jsonPaths);
    const body = json ? PAGE_EXPIRED_JSON : this.page;
    res.writeHead(419, {
      'content-type': json ? 'application/json' : 'text/html; charset=UTF-8',
      'cache-control': 'no-cache, private',
      'content-length': Buffer.byteLength(body),
      ...extraHeaders,
    });
    res.end(body);
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
