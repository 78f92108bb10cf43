import type { ReactNode } from 'react';

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  reason: string;
}

/**
 * A slice's record of audited actions (retries, replays) as a table: when, who, why and what,
 * newest first; "<slice> unavailable" when the record cannot be read, never an empty table.
 */
export function AuditHistory<T extends AuditEntry>({
  id,
  title,
  slice,
  entries,
  problem,
  empty,
  whatHeading,
  what,
}: {
  id: string;
  title: string;
  slice: string;
  entries?: T[];
  problem?: string;
  empty: string;
  whatHeading: string;
  what: (entry: T) => ReactNode;
}) {
  return (
    <>
      <h2 id={id}>{title}</h2>
      {problem ? (
        <p role="alert" className="problem">
          {slice} unavailable: {problem}
        </p>
      ) : !entries ? (
        <p className="muted">Loading…</p>
      ) : entries.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <table className="history" aria-labelledby={id}>
          <caption className="sr-only">the newest {entries.length}, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Why</th>
              <th scope="col">{whatHeading}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id}>
                <td>{new Date(entry.at).toLocaleString()}</td>
                <td>{entry.actor}</td>
                <td>{entry.reason}</td>
                <td>{what(entry)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
