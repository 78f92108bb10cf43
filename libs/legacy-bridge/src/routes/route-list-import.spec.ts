import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@offramp/testing';
import { importLaravelRouteList, importRouteList, importSymfonyRouteList, RouteListFormatError } from './route-list-import.js';

describe('route-list import', () => {
  it("reads the real monolith's `php artisan route:list --json`", () => {
    const json = execFileSync('php', ['artisan', 'route:list', '--json'], { cwd: join(workspaceRoot(), 'apps/legacy'), encoding: 'utf8' });
    const routes = importRouteList(json);
    expect(routes).toContainEqual({ method: 'GET|HEAD', path: '/api/products/{id}', name: 'api.products.show', middleware: ['web', 'json'], csrf: true });
    expect(routes).toContainEqual({ method: 'POST', path: '/api/orders', name: 'api.orders.store', middleware: ['web', 'json', 'auth'], csrf: true });
    expect(routes).toContainEqual({ method: 'GET|HEAD', path: '/', name: 'home', middleware: ['web'], csrf: true });
    // The webhook group has no session and no CSRF check: the gateway must not ask for a token there.
    expect(routes).toContainEqual({ method: 'POST', path: '/webhooks/payments', name: expect.any(String), middleware: ['webhook'], csrf: false });
    expect(routes.every((route) => route.path.startsWith('/'))).toBe(true);
  });

  it("reads Symfony's `bin/console debug:router --format=json`", () => {
    const json = readFileSync(new URL('./fixtures/symfony-debug-router.json', import.meta.url), 'utf8');
    const routes = importRouteList(json);
    expect(routes).toEqual(importSymfonyRouteList(json));
    expect(routes).toEqual([
      { method: '*', path: '/_error/{code}.{_format}', name: '_preview_error' },
      { method: 'GET', path: '/{_locale}/blog/', name: 'blog_index' },
      { method: 'GET|HEAD', path: '/{_locale}/blog/posts/{slug}', name: 'blog_post' },
      { method: 'GET', path: '/blog/page/{page?}', name: 'blog_page' },
      { method: 'POST', path: '/api/comments/{postSlug}/new', name: 'api_comment_new' },
      { method: 'GET|HEAD', path: '/files/*', name: 'files' },
    ]);
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
    expect(() => importSymfonyRouteList('[]')).toThrow(/debug:router/);
  });
});
