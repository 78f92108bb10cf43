import { readFileSync } from 'node:fs';
import { importLaravelRouteList, importRouteList, importSymfonyRouteList, RouteListFormatError, type ImportedRoute } from './route-list-import.js';

// Fixtures printed by the real apps: apps/legacy's `php artisan route:list --json`; its `php artisan
// offramp:routes` with the extra routes of tools/cli/src/routes-exact/laravel-extra-routes.php
// (`php tools/cli/src/routes-exact/laravel-router.php export`); apps/legacy-symfony's
// `bin/console debug:router --format=json`. symfony-debug-router.json is a hand-written list of
// shapes the sample app lacks (the inline form unexpanded, a catch-all).
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const byName = (routes: ImportedRoute[]) => new Map(routes.map((route) => [route.name, route]));

describe('route-list import', () => {
  it("reads Laravel's plain `php artisan route:list --json`", () => {
    const routes = importRouteList(fixture('laravel-route-list.json'));
    expect(routes).toContainEqual({ method: 'GET|HEAD', path: '/api/products/{id}', name: 'api.products.show', middleware: ['web', 'json'], csrf: true });
    expect(routes).toContainEqual({ method: 'POST', path: '/api/orders', name: 'api.orders.store', middleware: ['web', 'json', 'auth'], csrf: true });
    expect(routes).toContainEqual({ method: 'GET|HEAD', path: '/', name: 'home', middleware: ['web'], csrf: true });
    // The webhook group has no session and no CSRF check: the gateway must not ask for a token there.
    expect(routes).toContainEqual({ method: 'POST', path: '/webhooks/payments', name: expect.any(String), middleware: ['webhook'], csrf: false });
    expect(routes.every((route) => route.path.startsWith('/'))).toBe(true);
  });

  it("reads Laravel's `php artisan offramp:routes`: where constraints, optional parameters, domains, defaults", () => {
    const routes = byName(importRouteList(fixture('laravel-offramp-routes.json')));
    // Route::pattern('id', '[0-9]+') of the app, only where the route has an {id}.
    expect(routes.get('api.products.show')).toEqual({
      method: 'GET|HEAD',
      path: '/api/products/{id}',
      name: 'api.products.show',
      middleware: ['web', 'json'],
      csrf: true,
      requirements: { id: '[0-9]+' },
    });
    expect(routes.get('home')?.requirements).toBeUndefined();
    expect(routes.get('extra.blog')).toMatchObject({ method: 'GET|HEAD', path: '/blog/{page?}', requirements: { page: '[0-9]+' } });
    expect(routes.get('extra.user.posts')).toMatchObject({ path: '/users/{user}/posts/{post?}', requirements: { user: '[0-9]+', post: '[a-zA-Z]+' } });
    expect(routes.get('extra.docs')).toMatchObject({ path: '/docs/{path}', requirements: { path: '.+' } });
    expect(routes.get('extra.account.hook')).toMatchObject({
      method: 'POST',
      host: '{account}.shop.test',
      path: '/hooks/{id}',
      requirements: { id: '[0-9]+', account: '[a-z]+' },
    });
    expect(routes.get('extra.admin.dashboard')).toMatchObject({ host: 'admin.shop.test', path: '/dashboard' });
    expect(routes.get('extra.item')).toMatchObject({ method: 'PUT|DELETE', path: '/items/{uuid}' });
    expect([...routes.values()].some((route) => route.legacyOnly)).toBe(false);
  });

  it("reads the Symfony sample app's `debug:router --format=json`: requirements, optional trailing parameters, host, HEAD, condition", () => {
    const json = fixture('legacy-symfony-debug-router.json');
    expect(importRouteList(json)).toEqual(importSymfonyRouteList(json));
    const routes = byName(importRouteList(json));
    expect(routes.get('catalog_index')).toEqual({
      method: 'GET|HEAD',
      path: '/{_locale}/products.{_format?}',
      name: 'catalog_index',
      requirements: { _format: 'json|html', _locale: 'en|fr' },
      defaults: { _format: 'html' },
    });
    // `{id<\d+>}` arrives expanded: the requirement is in the list, the path plain.
    expect(routes.get('catalog_show')).toMatchObject({ path: '/{_locale}/products/{id}.{_format?}', requirements: { id: '\\d+', _format: 'json|html' } });
    expect(routes.get('admin_products')).toMatchObject({ path: '/admin/products/{page?}', requirements: { page: '\\d+' }, defaults: { page: '1' } });
    expect(routes.get('catalog_legacy_pages')).toMatchObject({ path: '/catalog/{page?}', defaults: { page: 1 } });
    expect(routes.get('partner_stock')).toMatchObject({
      host: 'partners.{domain}',
      requirements: { sku: '[A-Z0-9]+(?:-[A-Z0-9]+)*', domain: '[a-z0-9.-]+' },
      defaults: { _format: 'json' },
    });
    expect(routes.get('admin_product_update')?.method).toBe('POST|PATCH');
    expect(routes.get('login')?.method).toBe('GET|POST|HEAD');
    // A default for a parameter the path does not have (home's _locale) makes nothing optional.
    expect(routes.get('home')).toMatchObject({ path: '/', defaults: { route: 'catalog_index', permanent: false, _locale: 'en' } });
    expect(routes.get('api_products')?.legacyOnly).toMatch(/its condition \(request\.headers\.get\('Accept'\).*\) is evaluated by Symfony only/);
    expect([...routes.values()].filter((route) => route.legacyOnly).map((route) => route.name)).toEqual(['api_products']);
    expect([...routes.values()].every((route) => !('_controller' in (route.defaults ?? {})))).toBe(true);
  });

  it('reads the inline form, trailing parameters with defaults, catch-alls and what JavaScript cannot match', () => {
    const routes = byName(importRouteList(fixture('symfony-debug-router.json')));
    expect(routes.get('blog_page')).toEqual({
      method: 'GET|HEAD',
      path: '/blog/page/{page?}',
      name: 'blog_page',
      requirements: { page: '\\d+' },
      defaults: { page: '1' },
    });
    expect(routes.get('_preview_error')).toMatchObject({ method: '*', path: '/_error/{code}.{_format?}', requirements: { code: '\\d+' } });
    expect(routes.get('files')).toMatchObject({ path: '/files/{path}', requirements: { path: '.+' } });
    const unsupported = importSymfonyRouteList(
      JSON.stringify({
        backref: { path: '/x/{a}', method: 'GET', requirements: { a: '(\\w)\\1' } },
        spanning: { path: '/y/{a}/z', method: 'GET', requirements: { a: '.+' } },
        bad: { path: '/w/{a}', method: 'GET', requirements: { a: '[a-' } },
      }),
    );
    expect(unsupported.map((route) => [route.name, route.legacyOnly])).toEqual([
      ['backref', expect.stringMatching(/the requirement of \{a\}: \\1 \(backreferences/)],
      ['spanning', '{a} may span path segments (.+) before the end of the path'],
      ['bad', expect.stringMatching(/the requirement of \{a\}: an unclosed character class/)],
    ]);
    expect(unsupported[0]?.requirements).toBeUndefined();
    expect(unsupported[1]?.requirements).toEqual({ a: '.+' });
  });

  it('records the CSRF check from the middleware a Laravel route names', () => {
    const list = JSON.stringify([
      { method: 'POST', uri: 'a', middleware: 'web\nauth' },
      { method: 'POST', uri: 'b', middleware: ['api', 'App\\Http\\Middleware\\VerifyCsrfToken'] },
      { method: 'POST', uri: 'c', middleware: ['api', 'throttle:60,1'] },
      { method: 'POST', uri: 'd' },
    ]);
    expect(importLaravelRouteList(list).map((route) => route.csrf)).toEqual([true, true, false, undefined]);
    expect(() => importLaravelRouteList('[{"method":"GET","uri":"x","middleware":[1]}]')).toThrow(/route 0: expected "middleware"/);
  });

  it('names the problem in bad input', () => {
    expect(() => importRouteList('not json')).toThrow(RouteListFormatError);
    expect(() => importLaravelRouteList('[{"uri": 3}]')).toThrow(/route 0: expected "method" and "uri"/);
    expect(() => importLaravelRouteList('{"format":"offramp.laravel-routes.v1","routes":[{"uri":"x"}]}')).toThrow(/route 0: expected "methods"/);
    expect(() => importLaravelRouteList('{"format":"offramp.laravel-routes.v1","routes":[{"methods":["GET"],"uri":"x","wheres":[1]}]}')).toThrow(
      /route 0: expected "wheres"/,
    );
    expect(() => importSymfonyRouteList('[]')).toThrow(/debug:router/);
    expect(() => importSymfonyRouteList('{"r":{"path":"/{a}","requirements":{"a":3}}}')).toThrow(/route r: expected the requirement of "a"/);
  });
});
