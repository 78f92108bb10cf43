import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startService, tempDir, tempSqlite, waitUntil, type TempDir, type TempSqlite, E2E_IDENTITY_SECRET } from '@offramp/testing';

// A seed file that does not parse is a configuration mistake: the gateway process (its built
// dist/main.js, SQLite) stops with the platform's one line naming the variable and exit code 78,
// so a supervisor does not restart it in a loop. Nothing answers on the NATS port: it is not needed.
describe('gateway with a broken routes file (gateway process, SQLite)', () => {
  let dir: TempDir;
  let db: TempSqlite;

  beforeAll(() => {
    dir = tempDir('offramp-routes-file-error-');
    db = tempSqlite();
  });

  afterAll(() => {
    dir?.remove();
    db?.remove();
  });

  it('exits 78 with one line naming GATEWAY_ROUTES_FILE and the entry at fault', async () => {
    const routesFile = join(dir.path, 'routes.yaml');
    writeFileSync(routesFile, 'routes:\n  - { method: GET, path: /fine }\n  - { method: FETCH, path: /x }\n');
    const gateway = await startService({
      app: 'gateway',
      adminPortVariable: 'GATEWAY_ADMIN_PORT',
      waitForLive: false,
      env: {
        NATS_URL: `nats://127.0.0.1:${await freePort()}`,
        DATABASE_URL: db.url,
        GATEWAY_ROUTES_FILE: routesFile,
        IDENTITY_TOKEN_SECRET: E2E_IDENTITY_SECRET,
        LOG_LEVEL: 'warn',
      },
    });
    try {
      await waitUntil(() => !gateway.isRunning(), { timeoutMs: 20_000, description: 'the gateway exited' });
      expect(await gateway.exited).toBe(78);
    } finally {
      await gateway.stop('SIGKILL');
    }
    const lines = gateway.output().trim().split('\n');
    expect(lines).toEqual([
      `gateway: configuration error: GATEWAY_ROUTES_FILE: ${routesFile}: routes[1].method: expected * or methods joined by | (GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE, QUERY) (fix the file or GATEWAY_ROUTES_FILE)`,
    ]);
  });
});
