import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { freePort, startNatsServer, startService, tempDir, waitUntil, workspaceRoot, type NatsServerHandle, type ServiceProcess } from '@offramp/testing';
import { main, type CliIo } from './main.js';

const TOKEN = 'cli-e2e-admin-token-0123456789';

// The CLI against a real gateway process and a real nats-server, through the admin API.
describe('offramp routes …', () => {
  let nats: NatsServerHandle;
  let gateway: ServiceProcess;
  let folder: { path: string; remove(): void };
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    nats = await startNatsServer();
    folder = tempDir('offramp-cli-');
    gateway = await startService({
      app: 'gateway',
      adminPortVariable: 'GATEWAY_ADMIN_PORT',
      env: {
        NATS_URL: nats.url,
        LEGACY_URL: `http://127.0.0.1:${await freePort()}`,
        DATABASE_URL: `sqlite://${join(folder.path, 'db.sqlite')}`,
        GATEWAY_ROUTES_FILE: join(folder.path, 'none.yaml'),
        GATEWAY_SERVICES: 'api=http://127.0.0.1:9',
        GATEWAY_ADMIN_TOKEN: TOKEN,
        IDENTITY_TOKEN_SECRET: 'cli-e2e-identity-secret-0123456789ab',
        LOG_LEVEL: 'warn',
      },
    });
    env = { OFFRAMP_ADMIN_URL: gateway.adminUrl, OFFRAMP_ADMIN_TOKEN: TOKEN };
    await waitUntil(async () => (await run(['routes', 'list', '--json'])).json?.loaded === true, { timeoutMs: 20_000, description: 'route table loaded' });
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await nats?.stop();
    folder?.remove();
  });

  async function run(argv: string[], stdin = '') {
    let out = '';
    let err = '';
    const io: CliIo = { out: (text) => (out += text), err: (text) => (err += text), env, readStdin: () => stdin };
    const code = await main(argv, io);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests pick fields out of the printed JSON
    let json: any;
    try {
      json = JSON.parse(out);
    } catch {
      json = undefined;
    }
    return { code, out, err, json };
  }

  it("imports the real monolith's Laravel route list, then a Symfony app's", async () => {
    const laravel = execFileSync('php', ['artisan', 'route:list', '--json'], { cwd: join(workspaceRoot(), 'apps/legacy'), encoding: 'utf8' });
    const first = await run(['routes', 'import', '-', '--reason', 'inventory of the monolith', '--json'], laravel);
    expect(first.code).toBe(0);
    expect(first.json.added).toContain('GET|HEAD /api/products/:id');
    const again = await run(['routes', 'import', '-', '--reason', 'again', '--json'], laravel);
    expect(again.json.added).toEqual([]);
    const symfony = join(workspaceRoot(), 'libs/legacy-bridge/src/routes/fixtures/symfony-debug-router.json');
    const second = await run(['routes', 'import', symfony, '--format', 'symfony', '--reason', 'symfony inventory', '--json']);
    expect(second.code).toBe(0);
    expect(second.json.added).toEqual(
      expect.arrayContaining(['GET|HEAD /:_locale/blog/posts/:slug', 'GET|HEAD /files/:path', 'POST /api/comments/:postSlug/new']),
    );
    expect(second.json.warnings).toEqual([]);
    const list = await run(['routes', 'list']);
    expect(list.out).toMatch(/GET\|HEAD \/api\/products\/:id\s+legacy/);
    expect(list.out).toMatch(/POST \/api\/comments\/:postSlug\/new\s+legacy/);
  });

  it('set, promote (refused without proof, forced with a reason), rollback and history', async () => {
    expect((await run(['routes', 'set', 'GET|HEAD', '/api/products/{id}', '--state', 'shadow', '--service', 'api', '--reason', 'start the proof'])).code).toBe(
      0,
    );
    const refused = await run(['routes', 'promote', 'GET|HEAD', '/api/products/{id}', '--reason', 'too early']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/refused: match rate n\/a over 0 samples/);
    const forced = await run(['routes', 'promote', 'GET|HEAD', '/api/products/{id}', '--to', 'service', '--force', '--reason', 'slice verified by hand']);
    expect(forced.code).toBe(0);
    expect(forced.out).toMatch(/now service/);
    const rollback = await run(['routes', 'rollback', '--all', '--reason', 'drill']);
    expect(rollback.out).toContain('GET|HEAD /api/products/:id');
    const history = await run(['routes', 'history', 'GET|HEAD', '/api/products/{id}']);
    expect(
      history.out
        .trim()
        .split('\n')
        .map((line) => line.split('  ')[2]),
    ).toEqual(['import', 'set', 'promote shadow→service', 'rollback service→legacy']);
    expect(history.out).toContain('(forced)');
  });

  it('takes what people type: GET finds GET|HEAD, {id} and :id alike; the gateway resolves, the CLI sends', async () => {
    expect(await run(['routes', 'set', 'GET', '/api/products', '--state', 'shadow', '--service', 'api', '--reason', 'compare'])).toMatchObject({
      code: 0,
      out: 'GET|HEAD /api/products: shadow\n',
    });
    expect(await run(['routes', 'promote', 'get', '/api/products/', '--to', 'canary', '--canary', '5', '--force', '--reason', 'by hand'])).toMatchObject({
      code: 0,
      out: 'GET|HEAD /api/products: now canary (match rate n/a)\n',
    });
    const listed = await run(['routes', 'list', '--json']);
    expect(listed.json.routes.find((route: { id: string }) => route.id === 'GET|HEAD /api/products')).toMatchObject({ state: 'canary', canaryPercent: 5 });
    expect(listed.json.routes.some((route: { id: string }) => route.id === 'GET /api/products')).toBe(false);
    const history = await run(['routes', 'history', 'HEAD', '/api/products']);
    expect(
      history.out
        .trim()
        .split('\n')
        .map((line) => line.split('  ').slice(1, 3).join(' ')),
    ).toEqual(['GET|HEAD /api/products import', 'GET|HEAD /api/products set', 'GET|HEAD /api/products promote shadow→canary']);
    expect((await run(['routes', 'diffs', 'GET', '/api/products/:id'])).code).toBe(0);
    expect((await run(['routes', 'diffs', 'GET', '/api/products/{product}', '--json'])).json).toMatchObject({ mismatches: [] });
    const rolledBack = await run(['routes', 'rollback', 'GET', '/api/products', '--reason', 'done']);
    expect(rolledBack.out).toBe('rolled back to legacy:\n  GET|HEAD /api/products\n');
  });

  it('names the problem and the fix', async () => {
    let errors = '';
    expect((await run(['routes', 'set', 'GET', '/x', '--state', 'service'])).err).toMatch(/say why with --reason/);
    expect((await run(['routes', 'import', '-', '--reason', 'r'], '{"oops"')).err).toMatch(/not JSON/);
    const unauthorized = await main(['routes', 'list'], {
      out: () => undefined,
      err: () => undefined,
      env: { ...env, OFFRAMP_ADMIN_TOKEN: 'wrong-token-0123456789' },
      readStdin: () => '',
    });
    expect(unauthorized).toBe(1);
    expect((await run(['routes', 'promote', 'GET', '/nope', '--reason', 'r'])).err).toMatch(/no route "GET \/nope"/);
    // A field the gateway refuses is named with what it takes.
    const badState = await run(['routes', 'promote', 'GET', '/api/products', '--to', 'paused', '--reason', 'r']);
    expect(badState).toMatchObject({ code: 1, err: expect.stringMatching(/^offramp: to: .*"legacy".*"retired"/) });
    const noToken = await main(['routes', 'list'], {
      out: () => undefined,
      err: (text) => (errors += text),
      env: { OFFRAMP_ADMIN_URL: gateway.adminUrl },
      readStdin: () => '',
    });
    expect(noToken).toBe(1);
    const unreachable = `http://127.0.0.1:${await freePort()}`;
    const offline = await main(['routes', 'list'], {
      out: () => undefined,
      err: (text) => (errors += text),
      env: { OFFRAMP_ADMIN_URL: unreachable, OFFRAMP_ADMIN_TOKEN: TOKEN },
      readStdin: () => '',
    });
    expect(offline).toBe(1);
    expect(errors).toContain('offramp: no admin token: set OFFRAMP_ADMIN_TOKEN');
    expect(errors).toContain(`offramp: cannot reach the gateway's admin listener at ${unreachable} (`);
    expect(errors).toContain('); set OFFRAMP_ADMIN_URL');
  });

  it('runs as `npx offramp` from the repo root', () => {
    const out = execFileSync(process.execPath, [join(workspaceRoot(), 'node_modules/.bin/offramp'), 'routes', 'list'], {
      cwd: workspaceRoot(),
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    expect(out).toMatch(/^ROUTE\s+STATE/);
  });
});
