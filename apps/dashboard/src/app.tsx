import { useEffect, useState } from 'react';
import { restoredSession, type Session, signOut } from './api/session';
import { useLive } from './api/use-live';
import { IntegrationsPage } from './integrations/integrations-page';
import { Overview } from './overview/overview';
import { PipelinesPage } from './pipelines/pipelines-page';
import { RoutePage } from './route-page/route-page';
import { RoutesTable } from './routes-table/routes-table';
import { SignIn } from './sign-in/sign-in';

/** `#/`, `#/routes`, `#/route/<id>`, `#/pipelines`, `#/integrations`: hash routes, so the gateway serves one page for all. */
function useHashRoute(): string {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const update = () => setHash(window.location.hash);
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return hash.replace(/^#/, '') || '/';
}

export function App() {
  const [session, setSession] = useState<Session | undefined>(restoredSession);
  if (!session) return <SignIn onSignedIn={setSession} />;
  return (
    <SignedIn
      session={session}
      onSignOut={() => {
        signOut();
        setSession(undefined);
      }}
    />
  );
}

function SignedIn({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const path = useHashRoute();
  const live = useLive(session);
  const routeId = path.startsWith('/route/') ? decodeURIComponent(path.slice('/route/'.length)) : undefined;
  const current = routeId
    ? 'route'
    : path === '/routes'
      ? 'routes'
      : path === '/pipelines'
        ? 'pipelines'
        : path === '/integrations'
          ? 'integrations'
          : 'overview';
  return (
    <>
      <header className="top">
        <a className="skip" href="#main">
          Skip to content
        </a>
        <strong>Offramp</strong>
        <nav aria-label="main">
          <a href="#/" aria-current={current === 'overview' ? 'page' : undefined}>
            Overview
          </a>
          <a href="#/routes" aria-current={current === 'routes' ? 'page' : undefined}>
            Routes
          </a>
          <a href="#/pipelines" aria-current={current === 'pipelines' ? 'page' : undefined}>
            Pipelines
          </a>
          <a href="#/integrations" aria-current={current === 'integrations' ? 'page' : undefined}>
            Integrations
          </a>
        </nav>
        <span className={live.connected ? 'live on' : 'live off'} role="status">
          {live.connected ? 'live' : 'reconnecting…'}
        </span>
        <span>signed in as {session.by}</span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      {live.lastChange && (
        <p className="notice" aria-live="polite">
          Latest change: {live.lastChange.id} → {live.lastChange.state ?? 'deleted'} by {live.lastChange.by}: “{live.lastChange.reason}”
        </p>
      )}
      <main id="main">
        {routeId ? (
          <RoutePage session={session} live={live} id={routeId} />
        ) : current === 'integrations' ? (
          <IntegrationsPage session={session} />
        ) : current === 'pipelines' ? (
          <PipelinesPage session={session} />
        ) : current === 'routes' ? (
          <RoutesTable session={session} live={live} />
        ) : (
          <Overview session={session} live={live} />
        )}
      </main>
    </>
  );
}
