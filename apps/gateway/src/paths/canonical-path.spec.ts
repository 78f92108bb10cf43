import { canonicalPath } from './canonical-path.js';

const path = (url: string, options?: { allowEncodedSlash?: boolean }) => {
  const result = canonicalPath(url, options);
  return result.ok ? result.path + result.query : result.problem;
};

describe('canonicalPath (the monolith router’s reading of a path)', () => {
  it('leaves an ordinary path and its query untouched', () => {
    expect(path('/api/products/7?page=2&q=a%20b')).toBe('/api/products/7?page=2&q=a%20b');
    expect(path('/')).toBe('/');
    expect(path('/reports/sales.csv')).toBe('/reports/sales.csv');
  });

  it('decodes escapes once and encodes what must be encoded once again', () => {
    expect(path('/api/products/%31')).toBe('/api/products/1');
    expect(path('/api/%6Frders')).toBe('/api/orders');
    expect(path('/search/caf%C3%A9')).toBe('/search/caf%C3%A9');
    expect(path('/search/a%20b')).toBe('/search/a%20b');
    // One decoding only: `%2531` is the literal text `%31`, which a slice must not decode to `1`.
    expect(path('/api/products/%2531')).toBe('/api/products/%2531');
    expect(path('/a/%3A%40%2B')).toBe('/a/:@+');
  });

  it('trims trailing slashes and takes the front controller off, as Laravel does', () => {
    expect(path('/api/products/1/')).toBe('/api/products/1');
    expect(path('/api/products/1//?x=1')).toBe('/api/products/1?x=1');
    // Leading and inner empty segments stay: Laravel matches neither `//api/orders` nor `/api//orders` to `/api/orders`.
    expect(path('//api/products/1')).toBe('//api/products/1');
    expect(path('/index.php/api/orders')).toBe('/api/orders');
    expect(path('/index.php')).toBe('/');
    expect(path('/index.php/')).toBe('/');
    expect(path('/index.phpx/a')).toBe('/index.phpx/a');
    expect(path('/api//orders')).toBe('/api//orders');
    expect(path('//')).toBe('/');
  });

  it('refuses what two readers could take two ways', () => {
    expect(path('/api%2Forders')).toBe('encoded-slash');
    expect(path('/api%2forders')).toBe('encoded-slash');
    expect(path('/api/products/../orders')).toBe('dot-segment');
    expect(path('/api/%2e%2e/orders')).toBe('dot-segment');
    expect(path('/api/./orders')).toBe('dot-segment');
    expect(path('/api/orders%00')).toBe('nul');
    expect(path('/api/orders%zz')).toBe('malformed-escape');
    expect(path('/api/orders%4')).toBe('malformed-escape');
    expect(path('/api/%ff')).toBe('not-utf8');
    expect(path('http://evil.test/api/orders')).toBe('not-origin-form');
    expect(path('*')).toBe('not-origin-form');
  });

  it('keeps an encoded slash inside its segment where the route allows it', () => {
    const result = canonicalPath('/files/a%2Fb.txt', { allowEncodedSlash: true });
    expect(result).toEqual({ ok: true, path: '/files/a%2Fb.txt', query: '', encodedSlash: true });
  });

  it('is not fooled by dots that are not segments', () => {
    expect(path('/a/.well-known/x')).toBe('/a/.well-known/x');
    expect(path('/a/..b')).toBe('/a/..b');
  });
});
