import type { IncomingMessage } from 'node:http';
import { gatewayConfigShape, IdentityTokenSigner, identityKeysFromConfig, serviceConfigFromEnv } from '@offramp/platform';
import { E2E_IDENTITY_SECRET, startSymfonyApp, type SymfonyApp } from '@offramp/testing';
import { Upstream } from '../proxy/upstream.js';
import { createIdentityProvider, type LegacyIdentityBridge } from './legacy-identity.provider.js';

/** What the proxy hands the bridge: the client's request line and Cookie header. */
const request = (url: string, cookie: string) => ({ url, headers: { cookie } }) as unknown as IncomingMessage;

// The bridge the gateway builds for LEGACY_FRAMEWORK=symfony, over the real Symfony app's session
// files: a logout passing through ends the cached identity even when its response sets no cookie
// (a firewall with invalidate_session: false removes the token and keeps the session id).
describe('the Symfony identity bridge and a logout that sets no cookie', () => {
  let app: SymfonyApp;
  let legacy: Upstream;
  let bridge: LegacyIdentityBridge;

  beforeAll(async () => {
    app = await startSymfonyApp();
    const config = serviceConfigFromEnv(
      { name: 'gateway', defaultPort: 8080, config: gatewayConfigShape },
      {
        LEGACY_FRAMEWORK: 'symfony',
        LEGACY_URL: app.url,
        SESSION_DRIVER: 'file',
        SYMFONY_SESSION_FILES: app.sessionPath,
        SYMFONY_SESSION_LIFETIME_S: '7200',
        SYMFONY_USER_CLASSES: 'App\\Security\\User',
        SESSION_CACHE_MS: '60000',
        IDENTITY_TOKEN_SECRET: E2E_IDENTITY_SECRET,
      },
    );
    legacy = new Upstream('legacy', app.url, { connections: 2, breakerFailures: 5, breakerCooldownMs: 1_000 });
    bridge = createIdentityProvider({ ...config, PORT: 8080, HOST: '127.0.0.1' }, new IdentityTokenSigner(identityKeysFromConfig(config, 'sign')), legacy);
  }, 120_000);

  afterAll(async () => {
    await legacy?.close();
    await app?.close();
  });

  it('keeps the cached identity for other paths, and drops it for the logout path', async () => {
    const cookies = await app.login('customer@example.test');
    const first = await bridge.resolve(request('/en/account', cookies));
    expect(first.identity).toEqual({ userId: '2', email: 'customer@example.test', name: 'Carl Customer', roles: ['ROLE_USER'], source: 'symfony-session' });
    // The monolith ends the login without the gateway seeing it: the cache still answers.
    await (await fetch(`${app.url}/logout`, { headers: { cookie: cookies }, redirect: 'manual' })).text();
    bridge.responseSetsNoCookies?.(request('/en/account', cookies));
    expect((await bridge.resolve(request('/en/account', cookies))).identity?.userId).toBe('2');
    bridge.responseSetsNoCookies?.(request('/logout?_target=/', cookies));
    expect((await bridge.resolve(request('/en/account', cookies))).identity).toBeUndefined();
  });
});
