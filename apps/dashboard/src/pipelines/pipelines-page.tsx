import { type FailedJobDto, jobRates, listFailedJobs, listJobRetries, retryFailedJob } from '@offramp/contracts/admin-api';
import { useEffect, useMemo, useState } from 'react';
import type { Session } from '../api/session';
import { problemText, useAdmin } from '../api/use-admin';
import { AuditHistory } from '../shared/audit-history';
import { perSecond } from '../shared/format';
import { REASON_FIRST, ReasonField } from '../shared/reason-field';
import { type ChartSeries, seriesColor, TimeChart } from '../shared/time-chart';

/** The slice's figures are read from its tables: a few seconds behind is plenty, and costs it one query a class. */
const REFRESH_MS = 10_000;

/**
 * The pipelines slice through the gateway's relay: jobs settled per second per taken-over class
 * over the last hour, and Laravel's failed_jobs with `queue:retry`. When the slice cannot be asked
 * the page says so instead of drawing zeros. A retry asks for a reason, and the slice's record of
 * retries says who retried what, why and when.
 */
export function PipelinesPage({ session }: { session: Session }) {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((value) => value + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  const rates = useAdmin(() => jobRates({ client: session.client, query: { minutes: 60 } }), [tick]);
  const failed = useAdmin(() => listFailedJobs({ client: session.client, query: { limit: 100 } }), [tick]);
  const retries = useAdmin(() => listJobRetries({ client: session.client, query: { limit: 20 } }), [tick]);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string }>();
  const [reason, setReason] = useState('');

  const chart = useMemo(() => {
    const classes = rates.data?.classes ?? [];
    const times = classes[0]?.points.map((point) => Date.parse(point.minute)) ?? [];
    const series: ChartSeries[] = classes.flatMap((job, index) => [
      { label: `${shortName(job.jobClass)} jobs/s`, values: job.points.map((point) => point.perSecond), color: seriesColor(index * 2) },
      { label: `${shortName(job.jobClass)} failed/s`, values: job.points.map((point) => point.failedPerSecond), color: seriesColor(index * 2 + 1) },
    ]);
    const span: [number, number] = times.length ? [times[0] ?? 0, (times.at(-1) ?? 0) + 60_000] : [0, 0];
    return { times, series, span };
  }, [rates.data]);

  const retry = async (job: FailedJobDto) => {
    const why = reason.trim();
    if (!why) return setOutcome({ ok: false, text: REASON_FIRST });
    setOutcome(undefined);
    const answer = await retryFailedJob({ client: session.client, path: { uuid: job.uuid }, body: { by: session.by, reason: why } });
    if (answer.response?.ok) {
      setOutcome({ ok: true, text: `${shortName(job.job)} ${job.uuid} is back on queue ${job.queue}: the bridge hands it to Node. Done, as ${session.by}.` });
      setReason('');
      failed.reload();
      retries.reload();
    } else setOutcome({ ok: false, text: `Retry of ${job.uuid} refused: ${problemText(answer)}` });
  };

  return (
    <section aria-labelledby="pipelines-heading">
      <h1 id="pipelines-heading">Pipelines</h1>
      <h2>Jobs per second, last hour</h2>
      {rates.problem ? (
        <p role="alert" className="problem">
          Pipelines unavailable: {rates.problem}
        </p>
      ) : rates.data ? (
        <>
          <ul className="facts" aria-label="jobs in the last hour">
            {rates.data.classes.map((job) => (
              <li key={job.jobClass}>
                {shortName(job.jobClass)}: {job.total} jobs in the hour, {perSecond(job.points.at(-1)?.perSecond ?? 0)}/s this minute
              </li>
            ))}
          </ul>
          <TimeChart
            title="Jobs settled per second, per job class"
            unit="jobs/s"
            span={chart.span}
            times={chart.times}
            series={chart.series}
            summary={rates.data.classes.map((job) => `${shortName(job.jobClass)}: ${job.total} jobs`).join('; ')}
          />
        </>
      ) : (
        <p className="muted">Loading…</p>
      )}

      <h2 id="failed-heading">Failed jobs</h2>
      {outcome && (
        <p role="status" className={outcome.ok ? 'ok' : 'problem'}>
          {outcome.text}
        </p>
      )}
      {failed.problem ? (
        <p role="alert" className="problem">
          Pipelines unavailable: {failed.problem}
        </p>
      ) : !failed.data ? (
        <p className="muted">Loading…</p>
      ) : failed.data.failedJobs.length === 0 ? (
        <p className="muted">None: failed_jobs is empty.</p>
      ) : (
        <div className="table-scroll">
          <ReasonField id="retry-reason" by={session.by} value={reason} onChange={setReason} />
          <table aria-labelledby="failed-heading">
            <caption className="sr-only">
              {failed.data.total} failed jobs, newest first
              {failed.data.total > failed.data.failedJobs.length ? ` (the newest ${failed.data.failedJobs.length})` : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">Failed at</th>
                <th scope="col">Queue</th>
                <th scope="col">Exception</th>
                <th scope="col">Retry</th>
              </tr>
            </thead>
            <tbody>
              {failed.data.failedJobs.map((job) => (
                <tr key={job.uuid}>
                  <td>
                    {shortName(job.job)}
                    <br />
                    <code>{job.uuid}</code>
                  </td>
                  <td>{new Date(job.failedAt).toLocaleString()}</td>
                  <td>
                    {job.connection}/{job.queue}
                  </td>
                  <td>{job.exception}</td>
                  <td>
                    <button type="button" aria-label={`Retry ${shortName(job.job)} ${job.uuid}`} onClick={() => void retry(job)}>
                      Retry
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <AuditHistory
        id="retries-heading"
        title="Retry history"
        slice="Pipelines"
        entries={retries.data?.retries}
        problem={retries.problem}
        empty="No retries yet."
        whatHeading="Job"
        what={(retry) => (
          <>
            {shortName(retry.job)} <code>{retry.uuid}</code> on {retry.queue}
          </>
        )}
      />
    </section>
  );
}

/** `App\Jobs\SendOrderConfirmation` → `SendOrderConfirmation`. */
function shortName(jobClass: string): string {
  return jobClass.split('\\').at(-1) || jobClass;
}
