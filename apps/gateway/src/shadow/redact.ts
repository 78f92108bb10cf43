import type { IncomingHttpHeaders } from 'node:http';
import { compileIgnoreRules, segment } from './json-diff.js';

export const REDACTED = '[redacted]';

/** Stored sample bodies are cut here (characters, after redaction). */
const SAMPLE_BODY_CHARS = 4_096;
/** Difference values are cut here. */
const SAMPLE_VALUE_CHARS = 256;

/** Header names whose values are never stored: `*token*`, `*key*`, `*secret*`, `*signature*`, authorization, cookies, CSRF. */
const SECRET_HEADER_NAME = /token|key|secret|signature|passw|auth|cookie|session|csrf|xsrf|x-offramp-identity/i;
/** Headers that carry a URL: their query string is redacted like the request's. */
const URL_HEADERS = new Set(['location', 'content-location', 'referer']);
/** JSON keys whose values are never stored, wherever they are. */
const SECRET_JSON_KEY =
  /pass(word)?|secret|token|authori[sz]ation|cookie|card|cvv|cvc|iban|ssn|api[-_]?key|signature|session|csrf|xsrf|private[-_]?key|access[-_]?key/i;
/** Input names (hidden fields) and meta names in HTML whose value or content is never stored. */
const SECRET_FIELD_NAME = /token|csrf|xsrf|nonce|secret|passw|signature|session|api[-_]?key/i;

const EMAIL = /[A-Za-z0-9._%+-]{1,64}(?:@|%40)[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}/g;
/** 13–19 digits, optionally grouped by single spaces or dashes, not part of a longer digit run. */
const CARD_CANDIDATE = /(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)/g;
/** Signed or encrypted blobs: JWTs and Laravel's encrypted cookie/payload values (base64 JSON), Laravel keys, bearer credentials. */
const TOKEN_LIKE = /eyJ[A-Za-z0-9_+/=%.-]{16,8192}|base64:[A-Za-z0-9+/]{40,128}={0,2}|(?<=\bBearer\s+)[^\s",;]{1,8192}/g;
/** Query values of URLs inside text (links in HTML, `next_page_url` in JSON): `?token=…&amp;page=…`. */
const QUERY_VALUE = /((?:[?&]|&amp;)[A-Za-z0-9_.~%[\]-]{1,128}=)[^&#"'\s<>]{1,8192}/g;
/** Inline scripts: `csrfToken: '…'`, `"_token": "…"`. */
const INLINE_TOKEN = /(["']?(?:_token|csrf[-_]?token|xsrf[-_]?token|csrfToken)["']?\s*[:=]\s*)(["'])[^"'\n]{0,8192}\2/gi;
const HTML_FIELD_TAG = /<(?:meta|input)\b[^>]{0,8192}>/gi;

/**
 * Mismatch samples are stored and shown to people: before that, everything that could be a
 * credential or personal data is replaced by `[redacted]`. One per route (its `redact` paths).
 */
export class SampleRedactor {
  private readonly configured: (path: string) => boolean;

  /** `paths`: the route's `shadow.redact` JSON paths (the syntax of `ignore`). */
  constructor(paths: readonly string[] = []) {
    this.configured = compileIgnoreRules(paths);
  }

  /**
   * Path and query of a request or redirect. Every query value goes (names stay): a parameter's
   * name says what a diff depends on, while its value is the part that can be a token, a signed
   * URL's signature or a searched e-mail, and no list of names can know every application's.
   */
  url(url: string): string {
    const hash = url.indexOf('#');
    const fragment = hash < 0 ? '' : `#${REDACTED}`;
    const withoutFragment = hash < 0 ? url : url.slice(0, hash);
    const question = withoutFragment.indexOf('?');
    const path = redactText(
      (question < 0 ? withoutFragment : withoutFragment.slice(0, question)).replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@?#]*@/i, `$1${REDACTED}@`),
    );
    if (question < 0) return `${path}${fragment}`;
    const query = withoutFragment
      .slice(question + 1)
      .split('&')
      .map((pair) => {
        const equals = pair.indexOf('=');
        return equals < 0 ? redactText(pair) : `${redactText(pair.slice(0, equals))}=${REDACTED}`;
      })
      .join('&');
    return `${path}?${query}${fragment}`;
  }

  headers(headers: IncomingHttpHeaders): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = this.headerValue(name, value);
    return out;
  }

  headerValue(name: string, value: unknown): unknown {
    if (value === undefined || value === null) return value;
    if (SECRET_HEADER_NAME.test(name)) return REDACTED;
    const one = (text: string) => (URL_HEADERS.has(name.toLowerCase()) ? this.url(text) : redactText(text));
    return Array.isArray(value) ? value.map((item) => one(String(item))) : one(String(value));
  }

  /** JSON redacted structurally, anything textual as text (HTML fields too), binary bodies only described. */
  body(body: Buffer, contentType: unknown, truncated = false): unknown {
    const type = String(contentType ?? '').toLowerCase();
    if (type.includes('json') && !truncated) {
      try {
        return cutJson(this.json(JSON.parse(body.toString('utf8')), '$'));
      } catch {
        // not JSON after all: treated as text
      }
    }
    if (body.length === 0) return '';
    if (type !== '' && !isTextual(type)) return `(${body.length} bytes of ${type.split(';')[0]?.trim()})`;
    let text = body.toString('utf8');
    // A body cut off by the capture limit may end inside a secret: that tail is dropped.
    if (truncated) text = dropPartialTail(text);
    text = redactText(redactHtmlFields(text).replace(INLINE_TOKEN, (_all, head: string, quote: string) => `${head}${quote}${REDACTED}${quote}`));
    return text.length > SAMPLE_BODY_CHARS || truncated ? `${text.slice(0, SAMPLE_BODY_CHARS)}… (${body.length}${truncated ? '+' : ''} bytes)` : text;
  }

  /** A difference keeps its key; its values are redacted like the place they come from. */
  difference(difference: { key: string; legacy?: unknown; service?: unknown }): { key: string; legacy?: unknown; service?: unknown } {
    const { key } = difference;
    const redact = (value: unknown): unknown => {
      if (value === undefined) return undefined;
      if (key === 'status') return value;
      if (key.startsWith('header:')) return cutValue(this.headerValue(key.slice('header:'.length), value));
      if (key.startsWith('body:$')) {
        const path = key.slice('body:'.length);
        return this.isSecretPath(path) ? REDACTED : cutValue(this.json(value, path));
      }
      return cutValue(typeof value === 'string' ? redactText(value) : value);
    };
    return { key, legacy: redact(difference.legacy), service: redact(difference.service) };
  }

  /** A JSON value at `path` with secret-named keys, configured paths, e-mails and card numbers redacted. */
  json(value: unknown, path: string): unknown {
    if (this.configured(path)) return REDACTED;
    if (typeof value === 'string') return redactText(value);
    if (typeof value === 'number') return isCardNumber(value) ? REDACTED : value;
    if (Array.isArray(value)) return value.map((item, index) => this.json(item, `${path}[${index}]`));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(value)) out[key] = SECRET_JSON_KEY.test(key) ? REDACTED : this.json(inner, `${path}${segment(key)}`);
      return out;
    }
    return value;
  }

  private isSecretPath(path: string): boolean {
    if (this.configured(path)) return true;
    for (const match of path.matchAll(/\.([^.[]+)|\["((?:[^"\\]|\\.)*)"\]/g)) if (SECRET_JSON_KEY.test(match[1] ?? match[2] ?? '')) return true;
    return false;
  }
}

/** E-mail addresses, Luhn-valid card numbers, token-like blobs and the query values of URLs in free text. */
export function redactText(text: string): string {
  let out = text;
  if (out.includes('=')) out = out.replace(QUERY_VALUE, `$1${REDACTED}`);
  if (out.includes('@') || out.includes('%40')) out = out.replace(EMAIL, REDACTED);
  out = out.replace(CARD_CANDIDATE, (candidate) => (luhn(candidate.replace(/[ -]/g, '')) ? REDACTED : candidate));
  if (out.includes('eyJ') || out.includes('base64:') || /Bearer/.test(out)) out = out.replace(TOKEN_LIKE, REDACTED);
  return out;
}

/** `<meta name="csrf-token" content="…">`, `<input type="hidden" name="_token" value="…">`, password inputs. */
function redactHtmlFields(text: string): string {
  if (!text.includes('<')) return text;
  return text.replace(HTML_FIELD_TAG, (tag) => {
    const name = attribute(tag, 'name') ?? attribute(tag, 'property') ?? attribute(tag, 'id') ?? '';
    const type = (attribute(tag, 'type') ?? '').toLowerCase();
    if (!SECRET_FIELD_NAME.test(name) && type !== 'password') return tag;
    return tag.replace(/(\s(?:content|value)\s*=\s*)("[^"]*"|'[^']*'|[^\s"'>]+)/gi, (_all, head: string, value: string) => {
      const quote = value.startsWith('"') || value.startsWith("'") ? value.charAt(0) : '';
      return `${head}${quote}${REDACTED}${quote}`;
    });
  });
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`, 'i').exec(tag);
  return match ? (match[1] ?? match[2] ?? match[3]) : undefined;
}

function isTextual(type: string): boolean {
  return /^text\/|json|xml|javascript|ecmascript|x-www-form-urlencoded|graphql|yaml|csv/.test(type);
}

function dropPartialTail(text: string): string {
  const openTag = text.lastIndexOf('<');
  const cut = openTag > text.lastIndexOf('>') ? text.slice(0, openTag) : text;
  return cut.replace(/[^\s<>]*$/, '');
}

function isCardNumber(value: number): boolean {
  if (!Number.isSafeInteger(value) || value < 1e12) return false;
  return luhn(String(value));
}

function luhn(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = digits.charCodeAt(digits.length - 1 - index) - 48;
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

function cutJson(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text !== undefined && text.length > SAMPLE_BODY_CHARS ? `${text.slice(0, SAMPLE_BODY_CHARS)}… (${text.length} characters)` : value;
}

function cutValue(value: unknown): unknown {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text !== undefined && text.length > SAMPLE_VALUE_CHARS ? `${text.slice(0, SAMPLE_VALUE_CHARS)}…` : value;
}
