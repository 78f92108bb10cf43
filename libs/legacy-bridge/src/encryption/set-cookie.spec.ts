import { cookieUpdate } from './set-cookie.js';

describe('what a response does to the session cookie', () => {
  const now = Date.parse('2026-12-01T22:00:00Z');

  it('finds the new value of a cookie Laravel sets (PHP date format, Max-Age)', () => {
    const fields = [
      'XSRF-TOKEN=abc%3D; expires=Wed, 02-Dec-2026 00:09:14 GMT; Max-Age=7200; path=/; samesite=lax',
      'laravel_session=eyJ%3D; expires=Wed, 02-Dec-2026 00:09:14 GMT; Max-Age=7200; path=/; httponly; samesite=lax',
    ];
    expect(cookieUpdate(fields, 'laravel_session', now)).toEqual({ value: 'eyJ%3D', removed: false });
    expect(cookieUpdate(fields, 'other', now)).toBeUndefined();
  });

  it('sees a cookie removed by Max-Age, a past Expires or an empty value (Max-Age wins over Expires)', () => {
    expect(cookieUpdate('laravel_session=deleted; expires=Thu, 01-Jan-1970 00:00:01 GMT; Max-Age=0; path=/', 'laravel_session', now)).toEqual({
      value: 'deleted',
      removed: true,
    });
    expect(cookieUpdate('laravel_session=x; Expires=Thu, 01 Jan 1970 00:00:01 GMT', 'laravel_session', now)?.removed).toBe(true);
    expect(cookieUpdate('laravel_session=; Path=/', 'laravel_session', now)?.removed).toBe(true);
    expect(cookieUpdate('laravel_session=x; Expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=60', 'laravel_session', now)?.removed).toBe(false);
  });

  it('keeps the last field for the cookie, as a browser does', () => {
    expect(cookieUpdate(['laravel_session=a', 'laravel_session=b; Max-Age=0'], 'laravel_session', now)).toEqual({ value: 'b', removed: true });
    expect(cookieUpdate(['laravel_session=a; Max-Age=0', 'laravel_session=b'], 'laravel_session', now)).toEqual({ value: 'b', removed: false });
  });
});
