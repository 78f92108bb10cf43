/** What an audited action says when it is tried without a reason. */
export const REASON_FIRST = 'Say why first: the reason goes into the audit log.';

/**
 * The reason every audited action asks for (route changes, retries, replays): one labelled,
 * required text box, saying under whose name the change is recorded (the name given at sign-in).
 */
export function ReasonField({ id, by, value, onChange }: { id: string; by: string; value: string; onChange: (value: string) => void }) {
  return (
    <>
      <label htmlFor={id}>Reason (required, goes into the audit log as said by {by})</label>
      <textarea id={id} required value={value} rows={2} onChange={(event) => onChange(event.target.value)} />
    </>
  );
}
