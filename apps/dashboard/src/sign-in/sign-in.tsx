import { type FormEvent, useState } from 'react';
import { type Session, signIn } from '../api/session';

/** The admin token (GATEWAY_ADMIN_TOKEN) and a name for the audit log: every change says who made it. */
export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [token, setToken] = useState('');
  const [by, setBy] = useState('');
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const result = await signIn(token.trim(), by.trim());
    setBusy(false);
    if ('problem' in result) setProblem(result.problem);
    else onSignedIn(result);
  };
  return (
    <main className="sign-in">
      <h1>Offramp migration dashboard</h1>
      <form onSubmit={(event) => void submit(event)} aria-describedby={problem ? 'sign-in-problem' : undefined}>
        <label htmlFor="token">Admin token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="current-password"
          required
          value={token}
          onChange={(event) => setToken(event.target.value)}
        />
        <label htmlFor="by">Your name (shown in the audit log)</label>
        <input id="by" name="by" autoComplete="username" required value={by} onChange={(event) => setBy(event.target.value)} />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        {problem && (
          <p id="sign-in-problem" role="alert" className="problem">
            {problem}
          </p>
        )}
      </form>
    </main>
  );
}
