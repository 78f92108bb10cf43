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
