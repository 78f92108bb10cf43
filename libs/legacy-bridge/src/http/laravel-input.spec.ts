import { inputSource, inputToken, phpFalsy } from './laravel-input.js';

const token = 'a'.repeat(40);
const form = (text: string) => Buffer.from(text, 'latin1');

describe("Laravel's `_token` input", () => {
  it('reads the body Laravel reads for the method and Content-Type', () => {
    expect(inputSource('application/json', 'POST')).toBe('json');
    expect(inputSource('application/vnd.api+json', 'PATCH')).toBe('json');
    expect(inputSource('APPLICATION/JSON', 'POST')).toBeUndefined(); // Str::contains is case-sensitive
    expect(inputSource('Application/X-WWW-Form-Urlencoded; charset=UTF-8', 'POST')).toBe('form'); // PHP lowercases
    expect(inputSource('application/x-www-form-urlencoded', 'PUT')).toBe('form'); // Symfony parses PUT/PATCH/DELETE
    expect(inputSource('Application/x-www-form-urlencoded', 'PUT')).toBeUndefined();
    expect(inputSource('multipart/form-data; boundary=x', 'POST')).toBe('multipart');
    expect(inputSource('multipart/form-data; boundary=x', 'PUT')).toBeUndefined(); // PHP parses multipart for POST only
    expect(inputSource('text/plain', 'POST')).toBeUndefined();
    expect(inputSource(undefined, 'POST')).toBeUndefined();
  });

  it('takes form fields as PHP registers them: last wins, trimmed, names normalised', () => {
    expect(inputToken('', form(`a=1&_token=${token}`), 'form', undefined)).toBe(token);
    expect(inputToken('', form(`_token=x&_token=${token}`), 'form', undefined)).toBe(token);
    expect(inputToken('', form(`_token=+${token}%20%0A`), 'form', undefined)).toBe(token); // TrimStrings
    expect(inputToken('', form(`.token=${token}`), 'form', undefined)).toBe(token); // '.' → '_'
    expect(inputToken('', form(`%20_token=${token}`), 'form', undefined)).toBe(token); // leading space dropped
    expect(inputToken('', form('_token=%20'), 'form', undefined)).toBeNull(); // ConvertEmptyStringsToNull
    expect(inputToken('', form(`_token[]=${token}`), 'form', undefined)).toEqual([token]); // an array is never a token
    expect(inputToken('', form('_token'), 'form', undefined)).toBeNull();
    expect(inputToken('', form('other=1'), 'form', undefined)).toBeUndefined();
  });

  it('prefers the body over the query string, and reads the query string when the body has none', () => {
    expect(inputToken(`_token=${token}`, form('_token=body'), 'form', undefined)).toBe('body');
    expect(inputToken(`_token=${token}`, form('a=1'), 'form', undefined)).toBe(token);
    expect(inputToken(`_token=${token}`, undefined, undefined, undefined)).toBe(token);
  });

  it('reads JSON bodies as json_decode(…, true) does', () => {
    expect(inputToken('', Buffer.from(JSON.stringify({ _token: token })), 'json', undefined)).toBe(token);
    expect(inputToken('', Buffer.from(JSON.stringify({ _token: null })), 'json', undefined)).toBeNull();
    expect(inputToken('', Buffer.from(JSON.stringify({ _token: 5 })), 'json', undefined)).toBe(5);
    expect(inputToken('', Buffer.from(JSON.stringify({ _token: {} })), 'json', undefined)).toEqual([]);
    expect(inputToken('_token=q', Buffer.from('not json'), 'json', undefined)).toBe('q');
    expect(inputToken('', Buffer.from(JSON.stringify([token])), 'json', undefined)).toBeUndefined();
  });

  it('reads the `_token` field of a multipart body, not a file of that name', () => {
    const boundary = '----offramp7MA4YWxk';
    const part = (disposition: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; ${disposition}\r\n\r\n${value}\r\n`;
    const body = (...parts: string[]) => Buffer.from(`${parts.join('')}--${boundary}--\r\n`);
    const type = `multipart/form-data; boundary=${boundary}`;
    expect(inputToken('', body(part('name="a"', '1'), part('name="_token"', token)), 'multipart', type)).toBe(token);
    expect(inputToken('', body(part('name="_token"; filename="t.txt"', token)), 'multipart', type)).toBeUndefined();
    expect(inputToken('', body(part('name="_token"', `x\r\ny`)), 'multipart', `multipart/form-data; boundary="${boundary}"`)).toBe('x\r\ny');
  });

  it('knows which values PHP takes for false (`?:` then falls through to the headers)', () => {
    for (const value of [undefined, null, false, 0, '', '0', []]) expect(phpFalsy(value)).toBe(true);
    for (const value of ['0.0', ' ', 'a', 1, [''], true]) expect(phpFalsy(value)).toBe(false);
  });
});
