import type { IncomingMessage } from 'node:http';
import { inputSource, rawInputField } from '@offramp/legacy-bridge';

/**
 * Laravel (Symfony's Request::getMethod, with the method parameter override Laravel turns on)
 * takes a POST for another method when `X-HTTP-Method-Override` says so, or else a `_method` field
 * of the body (form, multipart, JSON) or of the query string. The gateway must route such a
 * request as the method the monolith will run, or `POST /x` with `_method=DELETE` reaches the
 * monolith's DELETE code while `DELETE /x` is in `service`.
 */
export const METHOD_OVERRIDE_HEADER = 'x-http-method-override';
const OVERRIDE_FIELD = '_method';
/** Symfony takes any all-letter method; anything else is refused (SuspiciousOperationException). */
const PLAIN_METHOD = /^[A-Z]+$/;

export type OverrideReading =
  /** The method to route by (the request's own when nothing overrides it). */
  | { method: string }
  /** An override the monolith would refuse: the gateway refuses it too. */
  | { invalid: string };

/** The override named in the head alone (header, then query when the body cannot hold one). */
export function headOverride(req: IncomingMessage): { value: unknown; needsBody: boolean } {
  const header = req.headers[METHOD_OVERRIDE_HEADER];
  const value = Array.isArray(header) ? header[0] : header;
  if (value) return { value, needsBody: false };
  const needsBody = bodySource(req) !== undefined;
  if (needsBody) return { value: undefined, needsBody };
  return { value: rawInputField(OVERRIDE_FIELD, queryOf(req), undefined, undefined, undefined), needsBody: false };
}

/** The body's `_method`, else the query's: the body's field wins, as in Symfony's bags. */
export function bodyOverride(req: IncomingMessage, body: Buffer): unknown {
  const contentType = single(req.headers['content-type']);
  return rawInputField(OVERRIDE_FIELD, queryOf(req), body, bodySource(req), contentType);
}

export function readOverride(value: unknown): OverrideReading {
  if (typeof value !== 'string' || value === '') return { method: 'POST' };
  const method = value.toUpperCase();
  return PLAIN_METHOD.test(method) ? { method } : { invalid: value };
}

function bodySource(req: IncomingMessage) {
  return inputSource(single(req.headers['content-type']), 'POST');
}

function queryOf(req: IncomingMessage): string {
  const url = req.url ?? '';
  const at = url.indexOf('?');
  return at === -1 ? '' : url.slice(at + 1);
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
