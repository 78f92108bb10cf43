import { listRoutes, routesTraffic, trafficSeries } from '@offramp/contracts/admin-api';
import type { LiveState } from '../api/use-live';
import { useAdmin } from '../api/use-admin';
import type { Session } from '../api/session';
import { percent, routeHref } from '../shared/format';
import { needingAttention, routesByState, routesMigrated, STATES, trafficShare } from './progress';

/** How far the migration is: routes by state, traffic answered by slices, and what needs a look now. */
export function Overview({ session, live }: { session: Session; live: LiveState }) {
  const routes = useAdmin(() => listRoutes({ client: session.client }), [session, live.routes]);
  const hour = useAdmin(() => trafficSeries({ client: session.client, query: { minutes: 60 } }), [session, live.traffic]);
  const day = useAdmin(() => trafficSeries({ client: session.client, query: { minutes: 1440 } }), [session, live.traffic]);
  const recent = useAdmin(() => routesTraffic({ client: session.client, query: { minutes: 5 } }), [session, live.traffic, live.routes]);
  const all = routes.data?.routes ?? [];
  const states = routesByState(all);
  const migrated = routesMigrated(all);
  const hourShare = trafficShare(hour.data?.total.backends ?? []);
  const dayShare = trafficShare(day.data?.total.backends ?? []);
  const attention = needingAttention(all, recent.data?.routes ?? [], recent.data?.breakers ?? []);

  return (
    <section aria-labelledby="overview-heading">
      <h1 id="overview-heading">Overview</h1>
      {routes.problem && (
        <p role="alert" className="problem">
          {routes.problem}
        </p>
      )}
      <div className="cards">
        <article className="card" aria-labelledby="progress-routes">
          <h2 id="progress-routes">Routes migrated</h2>
          <p className="figure">
            {migrated.migrated} of {migrated.total}
          </p>
          <p className="muted">in service or retired: answered by a slice for everyone</p>
        </article>
        <article className="card" aria-labelledby="progress-hour">
          <h2 id="progress-hour">Traffic on slices, last hour</h2>
          <p className="figure">{percent(hourShare.share)}</p>
          <p className="muted">
            {hourShare.slices} by slices, {hourShare.monolith} by the monolith
          </p>
        </article>
        <article className="card" aria-labelledby="progress-day">
          <h2 id="progress-day">Traffic on slices, last 24 h</h2>
          <p className="figure">{percent(dayShare.share)}</p>
          <p className="muted">
            {dayShare.slices} by slices, {dayShare.monolith} by the monolith
          </p>
        </article>
      </div>
      <h2>Routes by state</h2>
      <ul className="states" aria-label="routes by state">
        {STATES.map((state) => (
          <li key={state}>
            <span className={`state state-${state}`}>{state}</span> <strong>{states[state]}</strong>
          </li>
        ))}
      </ul>
      <h2>Needs attention</h2>
      {attention.length === 0 ? (
        <p className="muted">Nothing: no falling match rate, open circuit, fallbacks or canary erring more than the monolith in the last 5 minutes.</p>
      ) : (
        <ul className="attention">
          {attention.map((item, index) => (
            <li key={`${item.id}-${index}`}>
              <a href={routeHref(item.id)}>{item.id}</a>: {item.reason}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
