import { parseRouteSpec, routeId } from './route-spec.js';
import { RouteTable } from './route-table.js';

const route = (method: string, path: string, state = 'legacy') => parseRouteSpec({ method, path, state, service: 'api' });

describe('RouteTable', () => {
  const table = RouteTable.from([
    route('GET|HEAD', '/api/products/{id}', 'service'),
    route('GET', '/api/products/featured', 'shadow'),
    route('*', '/admin/*', 'canary'),
    route('POST', '/api/orders'),
    route('GET', '/blog/{page?}'),
  ]);

  it('matches by method and pattern, the most specific first', () => {
    expect(table.match('GET', '/api/products/7?x=1')?.id).toBe('GET|HEAD /api/products/:id');
    expect(table.match('HEAD', '/api/products/7')?.route.state).toBe('service');
    expect(table.match('GET', '/api/products/featured')?.id).toBe('GET /api/products/featured');
    expect(table.match('DELETE', '/admin/users/3')?.id).toBe('* /admin/*');
    expect(table.match('POST', '/api/orders')?.id).toBe('POST /api/orders');
    // Paths arrive canonical (canonicalPath trims the slashes Laravel trims); the table adds no reading of its own.
    expect(table.match('GET', '/api/products/7/')).toBeUndefined();
    expect(table.match('GET', '/api//products/7')).toBeUndefined();
  });

  it('expands optional parameters as Laravel means them', () => {
    expect(table.match('GET', '/blog')?.id).toBe('GET /blog/:page?');
    expect(table.match('GET', '/blog/2')?.id).toBe('GET /blog/:page?');
  });

  it('leaves whatever matches nothing to the monolith', () => {
    expect(table.match('GET', '/api/orders')).toBeUndefined();
    expect(table.match('PROPFIND', '/api/orders')).toBeUndefined();
    expect(table.match('GET', '/')).toBeUndefined();
  });

  it('applies a state change in place and removes a route', () => {
    const changing = RouteTable.from([route('GET', '/a/{id}')]);
    const id = routeId(route('GET', '/a/{id}'));
    changing.set(id, route('GET', '/a/{id}', 'service'));
    expect(changing.match('GET', '/a/1')?.route.state).toBe('service');
    changing.delete(id);
    expect(changing.match('GET', '/a/1')).toBeUndefined();
    expect(changing.size).toBe(0);
  });

  it('keeps the first of two ids that claim the same method and pattern, and deleting the second leaves it', () => {
    const overlapping = RouteTable.from([route('GET|HEAD', '/b/{id}', 'service'), route('*', '/b/{id}', 'shadow'), route('GET', '/b/{slug}', 'canary')]);
    expect(overlapping.size).toBe(3);
    expect(overlapping.match('GET', '/b/1')?.id).toBe('GET|HEAD /b/:id');
    expect(overlapping.match('DELETE', '/b/1')?.id).toBe('* /b/:id');
    // Another parameter name is the same pattern to the router: the first stays.
    overlapping.delete('GET /b/:slug');
    overlapping.delete('* /b/:id');
    expect(overlapping.match('GET', '/b/1')?.id).toBe('GET|HEAD /b/:id');
    expect(overlapping.match('HEAD', '/b/1')?.id).toBe('GET|HEAD /b/:id');
    expect(overlapping.match('DELETE', '/b/1')).toBeUndefined();
    expect(overlapping.size).toBe(1);
  });

  it('finds one route among 10,000', () => {
    const many = RouteTable.from(Array.from({ length: 10_000 }, (_, index) => route('GET', `/r${index}/items/{id}`)));
    expect(many.size).toBe(10_000);
    expect(many.match('GET', '/r9999/items/5')?.id).toBe('GET /r9999/items/:id');
    expect(many.match('GET', '/r10000/items/5')).toBeUndefined();
  });

  it('normalizes methods and Laravel/Symfony placeholders into one id', () => {
    expect(routeId(parseRouteSpec({ method: 'head|get', path: '/x/{id}/' }))).toBe('GET|HEAD /x/:id');
    expect(routeId(parseRouteSpec({ method: 'ANY', path: '/x' }))).toBe('* /x');
    expect(() => parseRouteSpec({ method: 'FETCH', path: '/x' })).toThrow(/expected \* or methods/);
    expect(() => parseRouteSpec({ path: 'x' })).toThrow(/starting with \//);
  });
});

describe('RouteTable matches as the frameworks do', () => {
  const spec = (input: Record<string, unknown>) => parseRouteSpec({ state: 'legacy', ...input });

  it('checks requirements against the whole decoded parameter, and falls through to a less specific route', () => {
    const table = RouteTable.from([
      spec({ method: 'GET', path: '/posts/{id}', requirements: { id: '\\d+' } }),
      spec({ method: 'GET', path: '/posts/{slug}', name: 'slug' }),
      spec({ method: 'GET', path: '/{_locale}/about', requirements: { _locale: 'en|fr' } }),
      spec({ method: 'GET', path: '/tags/{tag}', requirements: { tag: '[a-z]++(?:-[a-z]++)*' } }),
    ]);
    expect(table.match('GET', '/posts/42')?.id).toBe('GET /posts/:id');
    // `\d+` is anchored: 42abc is not an id, so the next route takes it.
    expect(table.match('GET', '/posts/42abc')?.route.name).toBe('slug');
    expect(table.match('GET', '/en/about')?.id).toBe('GET /:_locale/about');
    // `en|fr` anchored as a whole: neither `english` nor `xfr`.
    expect(table.match('GET', '/english/about')).toBeUndefined();
    expect(table.match('GET', '/xfr/about')).toBeUndefined();
    // PCRE's possessive quantifiers read as greedy ones; the value is decoded first.
    expect(table.match('GET', '/tags/red-wine')?.id).toBe('GET /tags/:tag');
    expect(table.match('GET', '/tags/red%2Dwine')?.id).toBe('GET /tags/:tag');
    expect(table.match('GET', '/tags/Red')).toBeUndefined();
    expect(table.resolve('GET', '/posts/7')?.params).toEqual({ id: '7' });
  });

  it('applies a changed requirement of a route at once (it is no part of the id)', () => {
    const table = RouteTable.from([spec({ method: 'GET', path: '/{_locale}/products/{id}', requirements: { _locale: 'en|fr', id: '\\d+' } })]);
    expect(table.match('GET', '/de/products/1')).toBeUndefined();
    table.set(
      'GET /:_locale/products/:id',
      spec({ method: 'GET', path: '/{_locale}/products/{id}', state: 'shadow', requirements: { _locale: 'en|fr|de', id: '\\d+' } }),
    );
    expect(table.match('GET', '/de/products/1')?.route.state).toBe('shadow');
    table.set('GET /:_locale/products/:id', spec({ method: 'GET', path: '/{_locale}/products/{id}', state: 'shadow', requirements: { _locale: 'en' } }));
    expect(table.match('GET', '/fr/products/1')).toBeUndefined();
    expect(table.match('GET', '/en/products/abc')?.route.state).toBe('shadow');
    expect(table.size).toBe(1);
  });

  it('leaves out the trailing optional parameters with their separator, only at the end', () => {
    const table = RouteTable.from([
      spec({ method: 'GET', path: '/blog/{page?}', requirements: { page: '\\d+' }, defaults: { page: 1 } }),
      spec({ method: 'GET', path: '/_error/{code}.{_format?}', requirements: { code: '\\d+' } }),
      spec({ method: 'GET', path: '/a/{x?}/b' }),
    ]);
    expect(table.match('GET', '/blog')?.id).toBe('GET /blog/:page?');
    expect(table.match('GET', '/blog/3')?.id).toBe('GET /blog/:page?');
    expect(table.match('GET', '/blog/x')).toBeUndefined();
    expect(table.resolve('GET', '/_error/404.json')?.params).toEqual({ code: '404', _format: 'json' });
    expect(table.resolve('GET', '/_error/404')?.params).toEqual({ code: '404' });
    expect(table.match('GET', '/_error/x.json')).toBeUndefined();
    // Followed by text, an optional parameter is required (Symfony's compiler, Laravel's too).
    expect(table.match('GET', '/a/1/b')?.id).toBe('GET /a/:x?/b');
    expect(table.match('GET', '/a/b')).toBeUndefined();
    // Nothing but optional parameters: the first stays required.
    const only = RouteTable.from([spec({ method: 'GET', path: '/{first?}/{second?}' })]);
    expect(only.match('GET', '/one')?.id).toBe('GET /:first?/:second?');
    expect(only.match('GET', '/one/two')?.id).toBe('GET /:first?/:second?');
    expect(only.match('GET', '/')).toBeUndefined();
  });

  it('lets a last parameter that may take slashes take the rest of the path, with its requirement', () => {
    const table = RouteTable.from([
      spec({ method: 'GET', path: '/docs/{path}', requirements: { path: '.+' } }),
      spec({ method: 'GET', path: '/files/{name}', requirements: { name: '[a-z/]+\\.pdf' } }),
      spec({ method: 'GET', path: '/assets/*', requirements: { '*': '[a-z/]+' } }),
    ]);
    expect(table.match('GET', '/docs/a/b/c')?.id).toBe('GET /docs/:path');
    expect(table.match('GET', '/files/a/b.pdf')?.id).toBe('GET /files/:name');
    expect(table.match('GET', '/files/a/b.txt')).toBeUndefined();
    expect(table.match('GET', '/assets/css/site')?.id).toBe('GET /assets/*');
    expect(table.match('GET', '/assets/css/site.css')).toBeUndefined();
  });

  it('matches a host-bound route on its host only (without port, any case), before the same path without host', () => {
    const table = RouteTable.from([
      spec({ method: 'POST', path: '/hooks/{id}', host: '{partner}.partners.test', requirements: { partner: '[a-z]+', id: '\\d+' }, name: 'partner' }),
      spec({ method: 'POST', path: '/hooks/{id}', host: 'Shop.Test', name: 'shop' }),
      spec({ method: 'POST', path: '/hooks/{id}', name: 'any host' }),
      spec({ method: 'GET', path: '/only-admin', host: 'admin.shop.test' }),
    ]);
    expect(table.match('POST', '/hooks/1', 'acme.partners.test:8443')?.route.name).toBe('partner');
    expect(table.match('POST', '/hooks/1', 'ACME.Partners.Test')?.route.name).toBe('partner');
    expect(table.match('POST', '/hooks/1', 'ac-me.partners.test')?.route.name).toBe('any host');
    expect(table.match('POST', '/hooks/1', 'shop.test')?.route.name).toBe('shop');
    expect(table.match('POST', '/hooks/1', '[::1]:8080')?.route.name).toBe('any host');
    expect(table.match('POST', '/hooks/1')?.route.name).toBe('any host');
    expect(table.match('GET', '/only-admin', 'admin.shop.test')?.id).toBe('GET admin.shop.test/only-admin');
    expect(table.match('GET', '/only-admin', 'shop.test')).toBeUndefined();
    expect(table.match('GET', '/only-admin')).toBeUndefined();
    // Deleting the route without host leaves the host-bound ones of the same pattern.
    table.delete('POST /hooks/:id');
    expect(table.match('POST', '/hooks/1', 'shop.test')?.route.name).toBe('shop');
    expect(table.match('POST', '/hooks/1', 'other.test')).toBeUndefined();
  });

  it('answers HEAD on a GET route, and an explicit HEAD route keeps its own', () => {
    const table = RouteTable.from([spec({ method: 'GET', path: '/feed' }), spec({ method: 'HEAD', path: '/ping' }), spec({ method: 'GET', path: '/ping' })]);
    expect(table.match('HEAD', '/feed')?.id).toBe('GET /feed');
    expect(table.match('HEAD', '/ping')?.id).toBe('HEAD /ping');
    expect(table.match('GET', '/ping')?.id).toBe('GET /ping');
    expect(table.match('POST', '/feed')).toBeUndefined();
  });

  it('reads a route stored before requirements, hosts and defaults existed', () => {
    const old = parseRouteSpec({
      method: 'GET|HEAD',
      path: '/api/products/:id',
      state: 'service',
      service: 'api',
      fallback: true,
      canaryPercent: 0,
      encodedSlashes: false,
    });
    expect(old.requirements).toBeUndefined();
    expect(RouteTable.from([old]).match('GET', '/api/products/abc')?.id).toBe('GET|HEAD /api/products/:id');
  });

  it('refuses what it cannot match as the framework would, naming the field', () => {
    expect(() => parseRouteSpec({ path: '/x/{a}', requirements: { a: '(\\w)\\1' } })).toThrow(/backreferences/);
    expect(() => parseRouteSpec({ path: '/x', host: 'shop.test:8080' })).toThrow(/without scheme, port or path/);
    expect(() => parseRouteSpec({ path: '/x', state: 'shadow', service: 'api', legacyOnly: 'its condition' })).toThrow(/stays on the monolith/);
    // Refused when written, never when the bucket's watch applies it.
    expect(() => parseRouteSpec({ path: '/x/*/y' })).toThrow(/the gateway's router cannot hold this route/);
  });
});
