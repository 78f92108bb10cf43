import {
  type DeliveryDto,
  listPartnerDeliveries,
  listPartners,
  listReplays,
  type PartnerDto,
  replayDelivery,
  replayPartnerFailures,
} from '@offramp/contracts/admin-api';
import { useEffect, useState } from 'react';
import type { Session } from '../api/session';
import { problemText, useAdmin } from '../api/use-admin';
import { AuditHistory } from '../shared/audit-history';
import { REASON_FIRST, ReasonField } from '../shared/reason-field';

/** Deliveries move within seconds while a partner recovers: refreshed this often. */
const REFRESH_MS = 5_000;

/**
 * The integrations slice through the gateway's relay: each partner with its deliveries by status,
 * its last error and its dead deliveries, replayed one by one or all since a time, each replay with
 * a reason; the slice's replays record says who replayed what, why and when. When the slice cannot
 * be asked the page says so instead of showing an empty list.
 */
export function IntegrationsPage({ session }: { session: Session }) {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((value) => value + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  const partners = useAdmin(() => listPartners({ client: session.client }), [tick]);
  const replays = useAdmin(() => listReplays({ client: session.client, query: { limit: 20 } }), [tick]);
  const names = new Map((partners.data?.partners ?? []).map((partner) => [partner.id, partner.name]));
  return (
    <section aria-labelledby="integrations-heading">
      <h1 id="integrations-heading">Integrations</h1>
      {partners.problem ? (
        <p role="alert" className="problem">
          Integrations unavailable: {partners.problem}
        </p>
      ) : !partners.data ? (
        <p className="muted">Loading…</p>
      ) : partners.data.partners.length === 0 ? (
        <p className="muted">No partner registered (npx offramp partners register).</p>
      ) : (
        partners.data.partners.map((partner) => <PartnerPanel key={partner.id} session={session} partner={partner} tick={tick} onReplayed={replays.reload} />)
      )}
      <AuditHistory
        id="replays-heading"
        title="Replay history"
        slice="Integrations"
        entries={replays.data?.replays}
        problem={replays.problem}
        empty="No replays yet."
        whatHeading="What"
        what={(replay) => (
          <>
            {names.get(replay.partnerId) ?? replay.partnerId}:{' '}
            {replay.deliveryId ? (
              <>
                delivery <code>{replay.deliveryId}</code>
              </>
            ) : (
              `dead deliveries since ${new Date(replay.since ?? 0).toLocaleString()}`
            )}
            , {replay.replayed} queued again
          </>
        )}
      />
    </section>
  );
}

function PartnerPanel({ session, partner, tick, onReplayed }: { session: Session; partner: PartnerDto; tick: number; onReplayed: () => void }) {
  // the slice answers the newest 100 of a kind: the counts are of those, the dead ones asked for on their own so none hides behind newer deliveries
  const deliveries = useAdmin(() => listPartnerDeliveries({ client: session.client, path: { id: partner.id } }), [tick, partner.id]);
  const deadOnes = useAdmin(() => listPartnerDeliveries({ client: session.client, path: { id: partner.id }, query: { status: 'dead' } }), [tick, partner.id]);
  const [since, setSince] = useState('');
  const [reason, setReason] = useState('');
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string }>();
  const list = deliveries.data?.deliveries ?? [];
  const count = (status: DeliveryDto['status']) => list.filter((delivery) => delivery.status === status).length;
  const dead = deadOnes.data?.deliveries ?? [];
  const lastError = list.find((delivery) => delivery.lastError)?.lastError;
  const headingId = `partner-${partner.id}`;

  const answered = (what: string, answer: { response?: Response; error?: unknown }, done: string) => {
    if (answer.response?.ok) {
      setOutcome({ ok: true, text: `${done} Done, as ${session.by}.` });
      setReason('');
      deliveries.reload();
      deadOnes.reload();
      onReplayed();
    } else setOutcome({ ok: false, text: `${what} refused: ${problemText(answer)}` });
  };
  const actor = { by: session.by, reason: reason.trim() };
  const replayOne = async (delivery: DeliveryDto) => {
    if (!actor.reason) return setOutcome({ ok: false, text: REASON_FIRST });
    answered(
      'Replay',
      await replayDelivery({ client: session.client, path: { id: delivery.id }, body: actor }),
      `Delivery of ${delivery.subject} (${delivery.id}) queued again.`,
    );
  };
  const replaySince = async () => {
    if (!since) return setOutcome({ ok: false, text: 'Choose the time first: dead deliveries created since then are tried again.' });
    if (!actor.reason) return setOutcome({ ok: false, text: REASON_FIRST });
    const answer = await replayPartnerFailures({ client: session.client, path: { id: partner.id }, body: { since: new Date(since).toISOString(), ...actor } });
    answered('Replay', answer, `${answer.data?.replayed ?? 0} dead deliveries of ${partner.name} queued again.`);
  };

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {partner.name} {partner.enabled ? '' : '(disabled)'}
      </h2>
      <p className="muted">
        {partner.url} · {partner.eventTypes.join(', ')}
      </p>
      {deliveries.problem ? (
        <p role="alert" className="problem">
          Deliveries unavailable: {deliveries.problem}
        </p>
      ) : !deliveries.data ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <p className="muted">Of the newest {list.length} deliveries:</p>
          <ul className="facts" aria-label={`${partner.name} deliveries`}>
            <li>delivered {count('delivered')}</li>
            <li>pending {count('pending')}</li>
            <li>dead {count('dead')}</li>
            <li>dead in all: {dead.length >= 100 ? '100 or more' : dead.length}</li>
            <li>last error: {lastError ?? 'none'}</li>
          </ul>
          {outcome && (
            <p role="status" className={outcome.ok ? 'ok' : 'problem'}>
              {outcome.text}
            </p>
          )}
          <ReasonField id={`${headingId}-reason`} by={session.by} value={reason} onChange={setReason} />
          {dead.length > 0 && (
            <div className="table-scroll">
              <table aria-label={`${partner.name} dead deliveries`}>
                <thead>
                  <tr>
                    <th scope="col">Event</th>
                    <th scope="col">Created</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">Last error</th>
                    <th scope="col">Replay</th>
                  </tr>
                </thead>
                <tbody>
                  {dead.map((delivery) => (
                    <tr key={delivery.id}>
                      <td>
                        {delivery.subject}
                        <br />
                        <code>{delivery.eventId}</code>
                      </td>
                      <td>{new Date(delivery.createdAt).toLocaleString()}</td>
                      <td>{delivery.attempts}</td>
                      <td>{delivery.lastError ?? '—'}</td>
                      <td>
                        <button type="button" aria-label={`Replay ${delivery.subject} ${delivery.id}`} onClick={() => void replayOne(delivery)}>
                          Replay
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <form className="action-row" onSubmit={(event) => (event.preventDefault(), void replaySince())}>
            <label htmlFor={`${headingId}-since`}>Replay dead deliveries created since</label>
            <input id={`${headingId}-since`} type="datetime-local" step="1" value={since} onChange={(event) => setSince(event.target.value)} />
            <button type="submit">Replay failures of {partner.name}</button>
          </form>
        </>
      )}
    </section>
  );
}
