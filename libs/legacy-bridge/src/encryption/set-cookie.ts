/** What a response's Set-Cookie fields do to one cookie. */
export interface CookieUpdate {
  /** The new value, as sent (still URL-encoded). */
  value: string;
  /** The cookie is deleted: Max-Age ≤ 0, an Expires in the past, or an empty value. */
  removed: boolean;
}

/**
 * The last Set-Cookie field for `name` (a browser keeps the last one it reads), or undefined when
 * the response leaves that cookie alone. Attributes other than the lifetime are not looked at.
 */
export function cookieUpdate(setCookie: string | readonly string[], name: string, now = Date.now()): CookieUpdate | undefined {
  let update: CookieUpdate | undefined;
  for (const field of typeof setCookie === 'string' ? [setCookie] : setCookie) {
    const pairEnd = field.indexOf(';');
    const pair = pairEnd === -1 ? field : field.slice(0, pairEnd);
    const equals = pair.indexOf('=');
    if (equals === -1 || pair.slice(0, equals).trim() !== name) continue;
    const value = pair.slice(equals + 1).trim();
    update = { value, removed: value === '' || expired(pairEnd === -1 ? '' : field.slice(pairEnd + 1), now) };
  }
  return update;
}

function expired(attributes: string, now: number): boolean {
  let maxAge: number | undefined;
  let expires: number | undefined;
  for (const attribute of attributes.split(';')) {
    const equals = attribute.indexOf('=');
    const key = (equals === -1 ? attribute : attribute.slice(0, equals)).trim().toLowerCase();
    const value = equals === -1 ? '' : attribute.slice(equals + 1).trim();
    if (key === 'max-age' && /^-?\d+$/.test(value)) maxAge = Number(value);
    else if (key === 'expires') {
      const at = Date.parse(value);
      if (!Number.isNaN(at)) expires = at;
    }
  }
  // RFC 6265 §5.3: Max-Age wins over Expires.
  if (maxAge !== undefined) return maxAge <= 0;
  return expires !== undefined && expires <= now;
}
