import { InvalidInputException } from '@offramp/platform';
import { resolveRouteId } from './route-reference.js';

const table = [
  'GET|HEAD /api/products',
  'GET|HEAD /api/products/:id',
  'POST /api/orders',
  'GET|HEAD /api/orders/:id',
  '* /legacy/:any*',
  'GET|HEAD /files/*',
  'GET|HEAD /docs/:page?',
  'PUT /both',
  '* /both',
  'GET|HEAD /dup/:a',
  'GET /dup/:b',
].map((id) => {
  const [method = '', path = ''] = id.split(' ');
  return { id, route: { method, path } };
});

const invalid = (action: () => unknown) => {
  try {
    action();
  } catch (error) {
    if (error instanceof InvalidInputException) return error.invalidParams;
    throw error;
  }
  throw new Error('expected an InvalidInputException');
};

describe('resolveRouteId: what people type → the one route meant', () => {
  it('a method finds the route whose method set contains it (README: promote GET /api/products)', () => {
    expect(resolveRouteId({ method: 'GET', path: '/api/products' }, table)).toBe('GET|HEAD /api/products');
    expect(resolveRouteId({ method: 'head', path: '/api/products' }, table)).toBe('GET|HEAD /api/products');
    expect(resolveRouteId({ method: 'HEAD|GET', path: '/api/products' }, table)).toBe('GET|HEAD /api/products');
    expect(resolveRouteId({ method: 'GET', path: '/api/products/' }, table)).toBe('GET|HEAD /api/products');
  });

  it('{id} and :id are the same, and so is another name for the parameter', () => {
    expect(resolveRouteId({ method: 'GET', path: '/api/products/{id}' }, table)).toBe('GET|HEAD /api/products/:id');
    expect(resolveRouteId({ method: 'GET', path: '/api/products/:id' }, table)).toBe('GET|HEAD /api/products/:id');
    expect(resolveRouteId({ method: 'GET|HEAD', path: '/api/products/{product}' }, table)).toBe('GET|HEAD /api/products/:id');
    expect(resolveRouteId({ method: 'GET', path: '/docs/{page?}' }, table)).toBe('GET|HEAD /docs/:page?');
    expect(resolveRouteId({ method: 'GET', path: '/files/*' }, table)).toBe('GET|HEAD /files/*');
  });

  it('an id is taken as it is, or read as method and path when the table has no such id', () => {
    expect(resolveRouteId({ id: 'GET|HEAD /api/orders/:id' }, table)).toBe('GET|HEAD /api/orders/:id');
    expect(resolveRouteId({ id: 'GET /api/orders/{id}' }, table)).toBe('GET|HEAD /api/orders/:id');
    expect(resolveRouteId({ id: 'not-an-id' }, table)).toBe('not-an-id');
  });

  it('* contains every method; without a method the one route on the path', () => {
    expect(resolveRouteId({ method: 'DELETE', path: '/legacy/{any}*' }, table)).toBe('* /legacy/:any*');
    expect(resolveRouteId({ path: '/api/orders' }, table)).toBe('POST /api/orders');
    expect(resolveRouteId({ method: 'ANY', path: '/both' }, table)).toBe('* /both');
    expect(resolveRouteId({ path: '/both' }, table)).toBe('* /both');
  });

  it('the exact id wins over a route containing the method', () => {
    expect(resolveRouteId({ method: 'PUT', path: '/both' }, table)).toBe('PUT /both');
  });

  it('several candidates are refused with their ids', () => {
    expect(invalid(() => resolveRouteId({ path: '/dup/{x}' }, table))).toEqual([
      { name: 'path', reason: '/dup/:x names 2 routes (GET /dup/:b, GET|HEAD /dup/:a): give the method as the route has it, e.g. "GET /dup/:b"' },
    ]);
    expect(invalid(() => resolveRouteId({ method: 'GET', path: '/dup/{x}' }, table))).toEqual([
      { name: 'method', reason: 'GET /dup/:x names 2 routes (GET /dup/:b, GET|HEAD /dup/:a): give the method as the route has it, e.g. "GET /dup/:b"' },
    ]);
    expect(resolveRouteId({ method: 'PATCH', path: '/both' }, table)).toBe('* /both');
  });

  it('no candidate: the exact id, so the caller answers as for any unknown route', () => {
    expect(resolveRouteId({ method: 'GET', path: '/nope' }, table)).toBe('GET /nope');
    expect(resolveRouteId({ method: 'POST', path: '/api/products' }, table)).toBe('POST /api/products');
    expect(resolveRouteId({ method: 'GET', path: '/api/orders' }, table)).toBe('GET /api/orders');
  });

  it('bad input names the field', () => {
    expect(invalid(() => resolveRouteId({ method: 'FETCH', path: '/api/products' }, table))).toEqual([
      { name: 'method', reason: expect.stringContaining('expected * or methods joined by |') },
    ]);
    expect(invalid(() => resolveRouteId({ method: 'GET', path: 'api/products' }, table))).toEqual([
      { name: 'path', reason: 'expected a path starting with /' },
    ]);
  });
});
