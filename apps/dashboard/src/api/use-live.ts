import { liveEvents } from '@offramp/contracts/admin-api';
import { useEffect, useState } from 'react';
import type { Session } from './session';

export interface LiveState {
  /** Bumped on every route change seen (anywhere: CLI, another replica, another browser). */
  routes: number;
  /** Bumped when new traffic minutes were written (at most once a second). */
  traffic: number;
  connected: boolean;
  /** The latest route change, for the page's live notice. */
  lastChange?: { id: string; state?: string; by?: string; reason?: string };
}

/** The admin API's event stream, through the generated client (reconnects by itself). */
export function useLive(session: Session): LiveState {
  const [state, setState] = useState<LiveState>({ routes: 0, traffic: 0, connected: false });
  useEffect(() => {
    const abort = new AbortController();
    void (async () => {
      const { stream } = await liveEvents({
        client: session.client,
        signal: abort.signal,
        sseMaxRetryDelay: 2_000,
        onSseEvent: (event) => {
          const data = event.data as { id?: string; state?: string; by?: string; reason?: string };
          if (event.event === 'route') {
            setState((live) => ({
              ...live,
              connected: true,
              routes: live.routes + 1,
              lastChange: { id: data.id ?? '', state: data.state, by: data.by, reason: data.reason },
            }));
          } else if (event.event === 'traffic') setState((live) => ({ ...live, connected: true, traffic: live.traffic + 1 }));
          else setState((live) => (live.connected ? live : { ...live, connected: true }));
        },
        onSseError: () => {
          setState((live) => ({ ...live, connected: false }));
        },
      });
      try {
        for await (const _event of stream) {
          // Events are handled in onSseEvent (it sees each event's name); iterating drives the stream.
        }
      } catch {
        // aborted on unmount
      }
    })();
    return () => abort.abort();
  }, [session]);
  return state;
}
