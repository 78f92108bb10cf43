import { listRoutes, routeHistory, shadowDiffs, trafficSeries } from '@offramp/contracts/admin-api';
import { useState } from 'react';
import type { LiveState } from '../api/use-live';
import { useAdmin } from '../api/use-admin';
import type { Session } from '../api/session';
import { backendLine } from '../shared/format';
import { gateInWords } from './gate-verdict';
import { MismatchDiff } from './mismatch-diff';
import { RouteActions } from './route-actions';
import { RouteCharts } from './route-charts';

const SPANS = [
  { minutes: 60, label: 'last hour' },
  { minutes: 360, label: 'last 6 hours' },
  { minutes: 1440, label: 'last 24 hours' },
];

/** One route: where it is, the evidence (charts, gate verdict, mismatches), who changed it and why, and the actions. */
export function RoutePage({ session, live, id }: { session: Session; live: LiveState; id: string }) {
  const [minutes, setMinutes] = useState(60);
  const [open, setOpen] = useState(0);
  const routes = useAdmin(() => listRoutes({ client: session.client, query: { id } }), [session, id, live.routes]);
  const series = useAdmin(() => trafficSeries({ client: session.client, query: { id, minutes } }), [session, id, minutes, live.traffic]);
  const diffs = useAdmin(() => shadowDiffs({ client: session.client, query: { id, limit: 10 } }), [session, id, live.traffic, live.routes]);
  const history = useAdmin(() => routeHistory({ client: session.client, query: { id } }), [session, id, live.routes]);
  const route = routes.data?.routes[0];
  const reload = () => {
    routes.reload();
    history.reload();
    diffs.reload();
  };
  if (routes.problem && !route)
    return (
      <p role="alert" className="problem">
        {routes.problem}
      </p>
    );
  if (!route) return <p aria-live="polite">Loading {id}…</p>;
  const gate = diffs.data?.matchRate && diffs.data.shadowGate ? gateInWords(diffs.data.matchRate, diffs.data.shadowGate) : undefined;
  const mismatches = [...(diffs.data?.mismatches ?? [])].reverse(); // newest first
  const shown = mismatches[open];

  return (
    <article aria-labelledby="route-heading">
      <p>
        <a href="#/routes">← all routes</a>
      </p>
      <h1 id="route-heading">{route.id}</h1>
      <dl className="facts">
        <dt>State</dt>
        <dd>
          <span className={`state state-${route.state}`}>{route.state}</span>
          {route.state === 'canary' && ` (${route.canaryPercent}% of callers on ${route.service})`}
        </dd>
        <dt>Service</dt>
        <dd>{route.service ?? '—'}</dd>
        <dt>Fallback</dt>
        <dd>{route.fallback ? 'on' : 'off'}</dd>
        <dt>Last change</dt>
        <dd>
          {route.lastChange.action} by {route.lastChange.by} at {new Date(route.lastChange.at).toLocaleString()}: “{route.lastChange.reason}”
        </dd>
      </dl>

      <section aria-labelledby="gate-heading">
        <h2 id="gate-heading">Promotion gate</h2>
        {gate ? (
          <>
            <p className={diffs.data?.shadowGate?.promotable ? 'ok' : 'problem'} data-testid="gate-summary">
              {gate.summary}
            </p>
            {gate.missing.length > 0 && (
              <ul>
                {gate.missing.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            )}
          </>
        ) : (
          <p className="muted">The gate applies out of shadow; this route is {route.state}.</p>
        )}
      </section>

      <RouteActions key={route.id} session={session} route={route} onChanged={reload} />

      <section aria-labelledby="traffic-heading">
        <h2 id="traffic-heading">Traffic</h2>
        <label>
          Span{' '}
          <select value={minutes} onChange={(event) => setMinutes(Number(event.target.value))}>
            {SPANS.map((span) => (
              <option key={span.minutes} value={span.minutes}>
                {span.label}
              </option>
            ))}
          </select>
        </label>
        {series.data && (
          <>
            <ul className="totals">
              {series.data.total.backends.map((backend) => (
                <li key={backend.backend}>{backendLine(backend)}</li>
              ))}
              <li>
                {series.data.total.fallbacks} fallback(s); {series.data.total.shadow.samples} shadow comparison(s), {series.data.total.shadow.matches} matched
              </li>
            </ul>
            <RouteCharts series={series.data} />
          </>
        )}
      </section>

      <section aria-labelledby="mismatch-heading">
        <h2 id="mismatch-heading">Mismatches</h2>
        {diffs.data?.learnedNoise && diffs.data.learnedNoise.length > 0 && (
          <p>
            Learned noise (not counted against the slice):{' '}
            {diffs.data.learnedNoise.map((path) => (
              <code key={path}>{path} </code>
            ))}
          </p>
        )}
        {mismatches.length === 0 ? (
          <p className="muted">No mismatch recorded.</p>
        ) : (
          <>
            <label>
              Sample{' '}
              <select value={open} onChange={(event) => setOpen(Number(event.target.value))}>
                {mismatches.map((mismatch, index) => (
                  <option key={mismatch.requestId} value={index}>
                    {new Date(mismatch.at).toLocaleTimeString()} {mismatch.method} {mismatch.url} ({mismatch.differences.length} difference(s))
                  </option>
                ))}
              </select>
            </label>
            {shown && <MismatchDiff mismatch={shown} />}
          </>
        )}
      </section>

      <section aria-labelledby="history-heading">
        <h2 id="history-heading">Audit history</h2>
        <table className="history">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">State</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {[...(history.data?.history ?? [])].reverse().map((revision) => (
              <tr key={revision.revision}>
                <td>{new Date(revision.change.at).toLocaleString()}</td>
                <td>{revision.change.by}</td>
                <td>
                  {revision.change.action}
                  {revision.change.forced ? ' (forced)' : ''}
                </td>
                <td>{revision.route?.state ?? revision.operation}</td>
                <td>{revision.change.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </article>
  );
}
