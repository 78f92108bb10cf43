import type { ListedRouteDto } from '@offramp/contracts/admin-api';
import { filterChoices, filterRoutes, NO_FILTER } from './filter-routes';

const route = (method: string, path: string, state: ListedRouteDto['state'], service?: string) =>
  ({ id: `${method} ${path}`, method, path, state, service }) as ListedRouteDto;
const routes = [
  route('GET|HEAD', '/api/products', 'shadow', 'api'),
  route('POST', '/api/orders', 'legacy', 'api'),
  route('GET', '/webhooks/pay', 'legacy', 'integrations'),
  route('*', '/legacy/*', 'legacy'),
];

describe('route table filters', () => {
  it('keeps every route without criteria, and applies each one given', () => {
    expect(filterRoutes(routes, NO_FILTER)).toHaveLength(4);
    expect(filterRoutes(routes, { ...NO_FILTER, state: 'shadow' }).map((r) => r.id)).toEqual(['GET|HEAD /api/products']);
    expect(filterRoutes(routes, { ...NO_FILTER, service: 'integrations' }).map((r) => r.id)).toEqual(['GET /webhooks/pay']);
    // A route of every method (*) matches any method asked for.
    expect(filterRoutes(routes, { ...NO_FILTER, method: 'HEAD' }).map((r) => r.id)).toEqual(['GET|HEAD /api/products', '* /legacy/*']);
    expect(filterRoutes(routes, { ...NO_FILTER, text: 'ORDERS' }).map((r) => r.id)).toEqual(['POST /api/orders']);
    expect(filterRoutes(routes, { text: 'api', state: 'legacy', service: 'api', method: 'POST' }).map((r) => r.id)).toEqual(['POST /api/orders']);
  });

  it('offers the services and methods the table has', () => {
    expect(filterChoices(routes)).toEqual({ services: ['api', 'integrations'], methods: ['GET', 'HEAD', 'POST'] });
  });
});
