import { type BreakerStateDto, type ListedRouteDto, listRoutes, type RouteTrafficDto, routesTraffic } from '@offramp/contracts/admin-api';
import { memo, useMemo, useState } from 'react';
import type { LiveState } from '../api/use-live';
import { useAdmin } from '../api/use-admin';
import type { Session } from '../api/session';
import { STATES } from '../overview/progress';
import { backendLine, percent, routeHref } from '../shared/format';
import { filterChoices, filterRoutes, NO_FILTER, type RouteFilter } from './filter-routes';

/** Rows drawn at first and per "show more": a table of thousands stays quick to open; search finds the rest. */
export const PAGE_ROWS = 100;

/** Every route with its state and, over the last 5 minutes, its traffic per backend; filtered as asked. */
export function RoutesTable({ session, live }: { session: Session; live: LiveState }) {
  const routes = useAdmin(() => listRoutes({ client: session.client }), [session, live.routes]);
  const traffic = useAdmin(() => routesTraffic({ client: session.client, query: { minutes: 5 } }), [session, live.traffic, live.routes]);
  const [filter, setFilter] = useState<RouteFilter>(NO_FILTER);
  const [limit, setLimit] = useState(PAGE_ROWS);
  const all = useMemo(() => routes.data?.routes ?? [], [routes.data]);
  const shown = useMemo(() => filterRoutes(all, filter), [all, filter]);
  const choices = useMemo(() => filterChoices(all), [all]);
  const byRoute = useMemo(() => new Map((traffic.data?.routes ?? []).map((route) => [route.id, route])), [traffic.data]);
  const breakers = useMemo(() => new Map((traffic.data?.breakers ?? []).map((breaker) => [breaker.upstream, breaker.state])), [traffic.data]);
  const set = (patch: Partial<RouteFilter>) => {
    setFilter((current) => ({ ...current, ...patch }));
    setLimit(PAGE_ROWS);
  };

  return (
    <section aria-labelledby="routes-heading">
      <h1 id="routes-heading">Routes</h1>
      <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <label>
          Search
          <input type="search" value={filter.text} placeholder="path, name or service" onChange={(event) => set({ text: event.target.value })} />
        </label>
        <label>
          State
          <select value={filter.state} onChange={(event) => set({ state: event.target.value })}>
            <option value="">any</option>
            {STATES.map((state) => (
              <option key={state}>{state}</option>
            ))}
          </select>
        </label>
        <label>
          Service
          <select value={filter.service} onChange={(event) => set({ service: event.target.value })}>
            <option value="">any</option>
            {choices.services.map((service) => (
              <option key={service}>{service}</option>
            ))}
          </select>
        </label>
        <label>
          Method
          <select value={filter.method} onChange={(event) => set({ method: event.target.value })}>
            <option value="">any</option>
            {choices.methods.map((method) => (
              <option key={method}>{method}</option>
            ))}
          </select>
        </label>
      </form>
      {routes.problem && (
        <p role="alert" className="problem">
          {routes.problem}
        </p>
      )}
      <p className="muted" aria-live="polite">
        {routes.loading && !routes.data
          ? 'Loading routes…'
          : `${shown.length} of ${all.length} routes${shown.length > limit ? `, the first ${limit} shown` : ''}; traffic over the last 5 minutes, every replica`}
      </p>
      <div className="table-scroll">
        <table className="routes">
          <thead>
            <tr>
              <th scope="col">Route</th>
              <th scope="col">State</th>
              <th scope="col">Service</th>
              <th scope="col">Canary</th>
              <th scope="col">Match rate (samples)</th>
              <th scope="col">Traffic per backend</th>
              <th scope="col">Fallbacks</th>
              <th scope="col">Breaker</th>
            </tr>
          </thead>
          <tbody>
            {shown.slice(0, limit).map((route) => (
              <RouteRow key={route.id} route={route} counts={byRoute.get(route.id)} breaker={route.service ? breakers.get(route.service) : undefined} />
            ))}
          </tbody>
        </table>
      </div>
      {shown.length > limit && (
        <button type="button" onClick={() => setLimit((current) => current + PAGE_ROWS)}>
          Show {Math.min(PAGE_ROWS, shown.length - limit)} more ({shown.length - limit} not shown)
        </button>
      )}
    </section>
  );
}

/** One route's row; redrawn only when its own data changes (live updates redraw the table often). */
const RouteRow = memo(function RouteRow({ route, counts, breaker }: { route: ListedRouteDto; counts?: RouteTrafficDto; breaker?: BreakerStateDto['state'] }) {
  return (
    <tr data-route={route.id}>
      <th scope="row">
        <a href={routeHref(route.id)}>{route.id}</a>
      </th>
      <td>
        <span className={`state state-${route.state}`}>{route.state}</span>
      </td>
      <td>{route.service ?? '—'}</td>
      <td>{route.state === 'canary' ? `${route.canaryPercent}%` : '—'}</td>
      <td className="match">{route.shadowMatch ? `${percent(route.shadowMatch.rate)} (${route.shadowMatch.samples})` : '—'}</td>
      <td className="traffic">
        {counts?.backends.length ? (
          counts.backends.map((backend) => <div key={backend.backend}>{backendLine(backend)}</div>)
        ) : (
          <span className="muted">none</span>
        )}
      </td>
      <td>{counts?.fallbacks ?? 0}</td>
      <td>{route.service ? (breaker ?? 'closed').replace('_', '-') : '—'}</td>
    </tr>
  );
});
