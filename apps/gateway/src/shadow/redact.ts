import type { IncomingHttpHeaders } from 'node:http';

const SECRET_HEADERS = new Set(['cookie', 'set-cookie', 'authorization', 'proxy-authorization', 'x-offramp-identity', 'x-csrf-token', 'x-xsrf-token']);
const SECRET_KEY = /pass(word)?|secret|token|authori[sz]ation|cookie|card|cvv|cvc|iban|ssn|api[-_]?key/i;
const SAMPLE_BODY_BYTES = 4_096;

/** Mismatch samples are stored: secrets out, size bounded. */
export function redactHeaders(headers: IncomingHttpHeaders): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, SECRET_HEADERS.has(name) ? '[redacted]' : value]));
}

export function redactBody(body: Buffer, contentType: unknown): unknown {
  if (String(contentType ?? '').includes('json')) {
    try {
      return truncateJson(redactJson(JSON.parse(body.toString('utf8'))));
    } catch {
      // not JSON after all: fall through to text
    }
  }
  const text = body.subarray(0, SAMPLE_BODY_BYTES).toString('utf8');
  return body.length > SAMPLE_BODY_BYTES ? `${text}… (${body.length} bytes)` : text;
}

/** A difference on a secret-looking field (`body:$.user.api_token`) keeps its key, never its values. */
export function isSecretPath(key: string): boolean {
  return SECRET_KEY.test(key);
}

export function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, SECRET_KEY.test(key) ? '[redacted]' : redactJson(inner)]));
  }
  return value;
}

function truncateJson(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text.length > SAMPLE_BODY_BYTES ? `${text.slice(0, SAMPLE_BODY_BYTES)}… (${text.length} characters)` : value;
}
