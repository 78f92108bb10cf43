import { STATUS_CODES } from 'node:http';

/** RFC 9457 problem details. Extension members sit beside the standard ones. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface InvalidParam {
  /** Dotted path of the field at fault, e.g. `items.0.quantity`. */
  name: string;
  reason: string;
}

export function problem(status: number, detail?: string, extensions: Record<string, unknown> = {}): ProblemDetails {
  return {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    ...(detail ? { detail } : {}),
    ...extensions,
  };
}
