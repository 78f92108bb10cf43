import { type Client, createAdminClient, listRoutes } from '@offramp/contracts/admin-api';

/** Who is signed in: the admin token the gateway checks, and the name that goes into the audit log as `by`. */
export interface Session {
  token: string;
  by: string;
  client: Client;
}

const STORAGE_KEY = 'offramp.dashboard.session';

/** The page is served by the admin listener it talks to: the API is on the same origin. */
export function sessionFor(token: string, by: string): Session {
  return { token, by, client: createAdminClient({ adminUrl: window.location.origin, token }) };
}

/** Checks the token with one read; the answer's status tells a wrong token from an API that is off. */
export async function signIn(token: string, by: string): Promise<Session | { problem: string }> {
  const session = sessionFor(token, by);
  const { response, error } = await listRoutes({ client: session.client });
  if (response?.ok) {
    // Kept for this tab only: closing it signs out.
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ token, by }));
    return session;
  }
  if (response?.status === 401) return { problem: 'That admin token is not the gateway’s (GATEWAY_ADMIN_TOKEN).' };
  if (response?.status === 503) return { problem: 'The admin API is off: the gateway has no GATEWAY_ADMIN_TOKEN.' };
  return { problem: `The gateway did not answer (${response?.status ?? (error as Error | undefined)?.message ?? 'no answer'}).` };
}

export function restoredSession(): Session | undefined {
  const stored = sessionStorage.getItem(STORAGE_KEY);
  if (!stored) return undefined;
  const { token, by } = JSON.parse(stored) as { token: string; by: string };
  return sessionFor(token, by);
}

export function signOut(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
