import type { ListedRouteDto, RouteTrafficDto } from '@offramp/contracts/admin-api';
import { needingAttention, routesByState, routesMigrated, trafficShare } from './progress';

const route = (id: string, state: ListedRouteDto['state'], extra: Partial<ListedRouteDto> = {}): ListedRouteDto =>
  ({
    id,
    state,
    method: 'GET',
    path: id,
    service: 'api',
    canaryPercent: 0,
    fallback: false,
    encodedSlashes: false,
    revision: 1,
    shadow: { threshold: 0.99, minSamples: 100 },
    ...extra,
  }) as ListedRouteDto;
const backend = (name: string, requests: number, errors = 0) => ({
  backend: name,
  requests,
  perSecond: requests / 300,
  statusClasses: { '1xx': 0, '2xx': requests - errors, '3xx': 0, '4xx': 0, '5xx': errors, error: 0 },
  errorRate: requests ? errors / requests : null,
  p50Ms: 1,
  p99Ms: 2,
});
const traffic = (id: string, extra: Partial<RouteTrafficDto>): RouteTrafficDto => ({
  id,
  backends: [],
  fallbacks: 0,
  shadow: { samples: 0, matches: 0 },
  ...extra,
});

describe('overview figures', () => {
  const routes = [route('a', 'legacy'), route('b', 'shadow'), route('c', 'canary'), route('d', 'service'), route('e', 'retired')];

  it('counts routes per state and the ones migrated', () => {
    expect(routesByState(routes)).toEqual({ legacy: 1, shadow: 1, canary: 1, service: 1, retired: 1 });
    expect(routesMigrated(routes)).toEqual({ migrated: 2, total: 5 });
  });

  it('splits traffic into the slices and the monolith, leaving out what the gateway answered itself', () => {
    expect(trafficShare([backend('legacy', 75), backend('api', 25), backend('gateway', 10)])).toEqual({ slices: 25, monolith: 75, share: 0.25 });
    expect(trafficShare([]).share).toBeNull();
  });

  it('names the routes that need attention and why', () => {
    const attention = needingAttention(
      routes,
      [
        traffic('b', { shadow: { samples: 100, matches: 90 } }),
        traffic('c', { backends: [backend('legacy', 100, 1), backend('api', 10, 2)] }),
        traffic('d', { fallbacks: 3 }),
      ],
      [{ upstream: 'api', state: 'open' }],
    );
    expect(attention).toEqual([
      { id: 'b', reason: 'match rate 90% in the last minutes, below its 99%' },
      { id: 'b', reason: 'circuit to api is open' },
      { id: 'c', reason: 'circuit to api is open' },
      { id: 'c', reason: 'canary errors 20% on api, 1% on the monolith' },
      { id: 'd', reason: 'circuit to api is open' },
      { id: 'd', reason: '3 fallback(s) to the monolith in the last minutes' },
      { id: 'e', reason: 'circuit to api is open' },
    ]);
    expect(needingAttention(routes, [], [])).toEqual([]);
  });
});
