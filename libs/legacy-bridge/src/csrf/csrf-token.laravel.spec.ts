import { join } from 'node:path';
import { startLegacyApp, type LegacyApp } from '@offramp/testing';
import { readCookie } from '../encryption/session-cookie.js';
import { LaravelSessionIdentity } from '../identity/laravel-session-identity.js';
import { WhoamiClient } from '../identity/whoami-client.js';
import { FileSessionStore } from '../session/file-session-store.js';
import { csrfTokensMatch } from './csrf-token.js';

// The real Laravel app (apps/legacy, php -S): the CSRF token the gateway reads from its session and
// from its XSRF-TOKEN cookie, and what a logout leaves in the bridge's caches.
describe('CSRF token and logout against the real Laravel session (file store)', () => {
  let legacy: LegacyApp;
  let identity: LaravelSessionIdentity;

  beforeAll(async () => {
    legacy = await startLegacyApp();
    identity = new LaravelSessionIdentity({
      appKey: legacy.appKey,
      store: new FileSessionStore(join(legacy.storagePath, 'framework/sessions'), 120),
      cacheMs: 60_000,
    });
  }, 90_000);

  afterAll(async () => {
    await legacy?.close();
  });

  /** The token Laravel renders into <meta name="csrf-token"> for this session. */
  async function metaToken(cookies: string): Promise<string> {
    const page = await fetch(`${legacy.url}/account/orders`, { headers: { cookie: cookies }, redirect: 'manual' }).then((response) => response.text());
    const token = /<meta name="csrf-token" content="([^"]+)">/.exec(page)?.[1];
    if (!token) throw new Error('no csrf-token meta tag on /account/orders');
    return token;
  }

  it('reads the session’s _token, the one Laravel renders into its pages', async () => {
    const cookies = await legacy.login('customer@example.test');
    const lookup = await identity.lookup(cookies);
    expect(lookup.csrfToken).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(lookup.csrfToken).toBe(await metaToken(cookies));
  });

  it('decrypts X-XSRF-TOKEN (the XSRF-TOKEN cookie as JavaScript reads it) to the same token', async () => {
    const cookies = await legacy.login('customer@example.test');
    const { csrfToken } = await identity.lookup(cookies);
    const xsrf = decodeURIComponent(readCookie(cookies, 'XSRF-TOKEN') ?? '');
    expect(identity.xsrfToken(xsrf)).toBe(csrfToken);
    expect(csrfTokensMatch(csrfToken, identity.xsrfToken(xsrf))).toBe(true);
    // The session cookie's value is encrypted with the same key, but is not an XSRF token.
    expect(identity.xsrfToken(decodeURIComponent(readCookie(cookies, 'laravel_session') ?? ''))).toBeUndefined();
    expect(identity.xsrfToken(xsrf.slice(0, -8))).toBeUndefined();
  });

  it('keeps a logged-out session’s user in the cache until it is forgotten, then reads the store again', async () => {
    const cookies = await legacy.login('customer@example.test');
    const { sessionId } = await identity.lookup(cookies);
    expect((await identity.lookup(cookies)).userId).toBe('2');
    const logout = await fetch(`${legacy.url}/logout`, {
      method: 'POST',
      headers: { cookie: cookies, 'x-csrf-token': await metaToken(cookies), accept: 'application/json' },
    });
    expect(logout.status).toBe(204);
    // The monolith destroyed the session; the cached read still says user 2 (what the gateway fixes on logout).
    expect((await identity.lookup(cookies)).userId).toBe('2');
    identity.forget(String(sessionId));
    expect(await identity.lookup(cookies)).toEqual({ sessionId, userId: undefined, csrfToken: undefined });
  });

  it('forgets the whoami answers given for a session', async () => {
    const cookies = await legacy.login('customer@example.test');
    const whoami = new WhoamiClient(async (cookie) => {
      const response = await fetch(`${legacy.url}/_offramp/whoami`, { headers: { cookie, accept: 'application/json' } });
      return { status: response.status, body: await response.json() };
    }, 60_000);
    const scope = readCookie(cookies, 'laravel_session') ?? '';
    expect((await whoami.whoami(cookies, scope))?.email).toBe('customer@example.test');
    const logout = await fetch(`${legacy.url}/logout`, {
      method: 'POST',
      headers: { cookie: cookies, 'x-csrf-token': await metaToken(cookies), accept: 'application/json' },
    });
    expect(logout.status).toBe(204);
    expect((await whoami.whoami(cookies, scope))?.email).toBe('customer@example.test'); // cached
    whoami.forget('another session');
    expect((await whoami.whoami(cookies, scope))?.email).toBe('customer@example.test');
    whoami.forget(scope);
    expect(await whoami.whoami(cookies, scope)).toBeUndefined();
  });
});
