import { type ListedRouteDto, promoteRoute, rollbackRoutes, type RouteSpecDto, setRoute } from '@offramp/contracts/admin-api';
import { useState } from 'react';
import { problemText } from '../api/use-admin';
import type { Session } from '../api/session';
import { STATES } from '../overview/progress';
import { REASON_FIRST, ReasonField } from '../shared/reason-field';

/** The route as the admin API's setRoute takes it: the listed route without what the gateway adds. */
function specOf({ id: _id, revision: _revision, lastChange: _lastChange, shadowMatch: _match, shadowGate: _gate, ...spec }: ListedRouteDto): RouteSpecDto {
  return spec;
}

/**
 * Promote, canary share, fallback, rollback: the CLI's rules, applied by the gateway (a refused
 * promotion answers 409 with why, shown here as it says it). Every change needs a reason, and says
 * who made it (the name given at sign-in).
 */
export function RouteActions({ session, route, onChanged }: { session: Session; route: ListedRouteDto; onChanged: () => void }) {
  const [reason, setReason] = useState('');
  const [force, setForce] = useState(false);
  const [canary, setCanary] = useState(route.canaryPercent || 10);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string }>();
  const next = STATES[STATES.indexOf(route.state) + 1];
  const actor = { by: session.by, reason: reason.trim() };
  const run = async (what: string, call: () => Promise<{ data?: unknown; error?: unknown; response?: Response }>) => {
    if (!actor.reason) return setOutcome({ ok: false, text: REASON_FIRST });
    setOutcome(undefined);
    const answer = await call();
    if (answer.response?.ok) {
      setOutcome({ ok: true, text: `${what}: done, as ${session.by}.` });
      setReason('');
      setForce(false);
      onChanged();
    } else setOutcome({ ok: false, text: `${what} refused: ${problemText(answer)}` });
  };

  return (
    <form className="actions" aria-labelledby="actions-heading" onSubmit={(event) => event.preventDefault()}>
      <h2 id="actions-heading">Actions</h2>
      <ReasonField id="reason" by={session.by} value={reason} onChange={setReason} />
      <div className="action-row">
        {next && (
          <>
            <button
              type="button"
              onClick={() =>
                void run(`Promotion to ${next}`, () => promoteRoute({ client: session.client, body: { id: route.id, to: next, force, ...actor } }))
              }
            >
              Promote to {next}
            </button>
            <label className="inline">
              <input type="checkbox" checked={force} onChange={(event) => setForce(event.target.checked)} /> force past the shadow gate
            </label>
          </>
        )}
      </div>
      {route.state !== 'legacy' && route.state !== 'retired' && (
        <div className="action-row">
          <label htmlFor="canary">Canary share: {canary}%</label>
          <input id="canary" type="range" min={0} max={100} step={1} value={canary} onChange={(event) => setCanary(Number(event.target.value))} />
          <button
            type="button"
            onClick={() =>
              void run(`Canary ${canary}%`, () =>
                promoteRoute({ client: session.client, body: { id: route.id, to: 'canary', canaryPercent: canary, force, ...actor } }),
              )
            }
          >
            Set canary to {canary}%
          </button>
        </div>
      )}
      <div className="action-row">
        <button
          type="button"
          aria-pressed={route.fallback}
          onClick={() =>
            void run(`Fallback ${route.fallback ? 'off' : 'on'}`, () =>
              setRoute({ client: session.client, body: { route: { ...specOf(route), fallback: !route.fallback }, ...actor } }),
            )
          }
        >
          Fallback to the monolith: {route.fallback ? 'on (turn off)' : 'off (turn on)'}
        </button>
      </div>
      <div className="action-row">
        <button
          type="button"
          className="danger"
          disabled={route.state === 'legacy'}
          onClick={() => void run('Rollback', () => rollbackRoutes({ client: session.client, body: { id: route.id, ...actor } }))}
        >
          Roll back to legacy
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => void run('Rollback of every route', () => rollbackRoutes({ client: session.client, body: { all: true, ...actor } }))}
        >
          Roll back all routes
        </button>
      </div>
      <p role="status" className={outcome ? (outcome.ok ? 'ok' : 'problem') : undefined}>
        {outcome?.text}
      </p>
    </form>
  );
}
