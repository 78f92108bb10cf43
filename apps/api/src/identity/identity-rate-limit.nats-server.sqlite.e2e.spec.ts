import { IdentityTokenSigner, identityKeysFromConfig } from '@offramp/platform';
import { startNatsServer, startService, tempSqlite, type NatsServerHandle, type ServiceProcess, type TempSqlite } from '@offramp/testing';

const SECRET = 'rate-limit-test-secret-0123456789abcdef';
// What the gateway signs for an order it forwards to this slice, after its CSRF check.
const FOR_API = { audience: 'api', csrfVerified: true };

describe('orders: identity from the gateway token, rate limit per identity (api process, nats-server, SQLite)', () => {
  let nats: NatsServerHandle;
  let db: TempSqlite;
  let api: ServiceProcess;
  const signer = new IdentityTokenSigner(
    identityKeysFromConfig({ IDENTITY_TOKEN_ALG: 'HS256', IDENTITY_TOKEN_SECRET: SECRET, IDENTITY_TOKEN_TTL_S: 60 }, 'sign'),
  );
  const other = new IdentityTokenSigner(
    identityKeysFromConfig({ IDENTITY_TOKEN_ALG: 'HS256', IDENTITY_TOKEN_SECRET: 'x'.repeat(40), IDENTITY_TOKEN_TTL_S: 60 }, 'sign'),
  );
  const post = async (token?: string) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers['x-offramp-identity'] = token;
    const response = await fetch(`${api.url}/api/orders`, { method: 'POST', headers, body: '{}' });
    return { status: response.status, body: await response.text() };
  };

  beforeAll(async () => {
    nats = await startNatsServer();
    db = tempSqlite();
    api = await startService({
      app: 'api',
      env: { DATABASE_URL: db.url, NATS_URL: nats.url, IDENTITY_TOKEN_SECRET: SECRET, API_RATE_LIMIT: '3', API_RATE_WINDOW_MS: '600000', LOG_LEVEL: 'warn' },
    });
  });

  afterAll(async () => {
    await api?.stop('SIGTERM');
    await nats?.stop();
    db?.remove();
  });

  it('refuses requests without a token, with one the gateway did not sign or signed for another slice, as the monolith refuses guests', async () => {
    expect(await post()).toEqual({ status: 401, body: '{"message":"Unauthenticated."}' });
    expect(await post(await other.sign({ userId: '2', roles: [], source: 'laravel-session' }, FOR_API))).toEqual({
      status: 401,
      body: '{"message":"Unauthenticated."}',
    });
    const forIntegrations = await signer.sign({ userId: '2', roles: [], source: 'laravel-session' }, { audience: 'integrations', csrfVerified: true });
    expect(await post(forIntegrations)).toEqual({ status: 401, body: '{"message":"Unauthenticated."}' });
  });

  it('limits each identity on its own', async () => {
    const alice = await signer.sign({ userId: '2', roles: [], source: 'laravel-session' }, FOR_API);
    const bob = await signer.sign({ userId: '3', roles: [], source: 'laravel-session' }, FOR_API);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(alice)).status);
    expect(statuses).toEqual([422, 422, 422, 429]);
    expect((await post(alice)).body).toBe('{\n    "message": "Too Many Attempts."\n}');
    expect((await post(bob)).status).toBe(422);
  });
});
