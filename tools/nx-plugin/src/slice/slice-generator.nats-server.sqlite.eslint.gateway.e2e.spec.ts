import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import {
  E2E_ADMIN_TOKEN,
  freePort,
  gatewayAdmin,
  startNatsServer,
  startProcess,
  tempDir,
  throughGateway,
  waitUntil,
  workspaceRoot,
  type ManagedProcess,
  type NatsServerHandle,
  type TempDir,
} from '@offramp/testing';

/**
 * The generator as a developer runs it, in a copy of this workspace (its sources; node_modules and
 * the toolchain linked, the workspace packages linked to the copy's own folders): a slice with a
 * route and a consumer, then in the copy lint, typecheck, the OpenAPI generation and the new
 * slice's own tests, then the stack runner starts the gateway and the slice on shifted ports, the
 * route is promoted through the gateway's admin API and answered by the slice through the gateway.
 */
const SLICE = 'billing';
const ROUTE = 'GET /billing/invoices/{id}';
const root = workspaceRoot();
/** What each step took (printed at the end: the budget of npm test). */
const phases: string[] = [];

interface Ran {
  code: number | null;
  output: string;
}

/** Runs a command to its end (bounded), with its output kept for the failure message. */
function run(cwd: string, command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 300_000): Promise<Ran> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      phases.push(`${args.filter((arg) => !arg.startsWith('--') && !arg.startsWith('/')).join(' ')}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
      // eslint-disable-next-line no-control-regex -- colours off, whatever a tool decides
      resolve({ code, output: output.replace(/\x1b\[[0-9;]*m/g, '') });
    });
  });
}

const expectOk = (ran: Ran) => {
  if (ran.code !== 0) throw new Error(`exit ${ran.code}:\n${ran.output.slice(-6_000)}`);
  return ran.output;
};

/** Content hashes of every file outside the ignored folders: "changes nothing" means these stay equal. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (['node_modules', '.nx', 'dist', '.offramp', 'data'].includes(entry.name)) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.set(relative(dir, path), createHash('sha256').update(readFileSync(path)).digest('hex'));
    }
  };
  walk(dir);
  return files;
}

const changed = (before: Map<string, string>, after: Map<string, string>) =>
  [...new Set([...before.keys(), ...after.keys()])].filter((path) => before.get(path) !== after.get(path)).sort();

describe('nx g @offramp/tools:slice in a copy of the workspace (lint, typecheck, its tests, the stack runner, the gateway)', () => {
  let copy: TempDir;
  let data: TempDir;
  let nats: NatsServerHandle;
  let runner: ManagedProcess | undefined;
  let env: NodeJS.ProcessEnv;
  let work: string;
  const nx = (...args: string[]) => run(work, process.execPath, [join(work, 'node_modules/nx/dist/bin/nx.js'), ...args], env);

  beforeAll(async () => {
    copy = tempDir('offramp-slice-generator-');
    data = tempDir('offramp-slice-stack-');
    work = join(copy.path, 'workspace');
    const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
      .split('\0')
      .filter(Boolean);
    for (const file of files) {
      const source = join(root, file);
      if (!existsSync(source) || !statSync(source).isFile()) continue;
      mkdirSync(dirname(join(work, file)), { recursive: true });
      cpSync(source, join(work, file));
    }
    // Third-party packages are the workspace's own; our packages are the copy's folders (as npm links them).
    mkdirSync(join(work, 'node_modules/@offramp'), { recursive: true });
    for (const entry of readdirSync(join(root, 'node_modules'))) {
      if (entry !== '@offramp') symlinkSync(join(root, 'node_modules', entry), join(work, 'node_modules', entry));
    }
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { resolved?: string; link?: boolean }> };
    for (const [key, entry] of Object.entries(lock.packages)) {
      if (key.startsWith('node_modules/@offramp/') && entry.link && entry.resolved) symlinkSync(join(work, entry.resolved), join(work, key));
    }
    mkdirSync(join(work, '.offramp'));
    if (existsSync(join(root, '.offramp/toolchain'))) symlinkSync(join(root, '.offramp/toolchain'), join(work, '.offramp/toolchain'));
    // No setting of the Nx run this test may be part of leaks into the copy's own Nx runs.
    env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('NX_') && key !== 'JEST_WORKER_ID'));
    Object.assign(env, {
      PATH: `${join(work, 'node_modules/.bin')}:${dirname(process.execPath)}:${process.env.PATH}`,
      NX_DAEMON: 'false',
      NX_NO_CLOUD: 'true',
      NX_TUI: 'false',
      NX_SKIP_NX_CACHE: 'true',
      NX_LOAD_DOT_ENV_FILES: 'false',
      FORCE_COLOR: '0',
    });
    nats = await startNatsServer();
  }, 60_000);

  afterAll(async () => {
    if (runner?.isRunning()) process.kill(-runner.pid, 'SIGKILL');
    await nats?.stop();
    copy?.remove();
    data?.remove();
    process.stdout.write(`slice generator e2e phases:\n  ${phases.join('\n  ')}\n`);
  });

  it('makes a slice that passes lint, typecheck and its own tests, runs under the stack runner and answers through the gateway once promoted', async () => {
    expectOk(await nx('run', 'nx-plugin:build', '--outputStyle=static'));
    const pristine = snapshot(work);
    const args = ['g', '@offramp/tools:slice', SLICE, '--routes', ROUTE, '--consumer', 'shop.orders.paid.v1'];

    // --dry-run lists what it would write and writes nothing.
    const dry = expectOk(await nx(...args, '--dry-run'));
    expect(dry).toContain(`CREATE apps/${SLICE}/src/main.ts`);
    expect(dry).toContain('UPDATE tools/stack/src/services.ts');
    expect(changed(pristine, snapshot(work))).toEqual([]);

    expectOk(await nx(...args));
    const generated = snapshot(work);
    const touched = changed(pristine, generated);
    for (const path of [
      'tools/stack/src/services.ts',
      'apps/gateway/routes.yaml',
      'docker/compose.yaml',
      'docker/k8s/base/kustomization.yaml',
      `docker/k8s/base/${SLICE}.yaml`,
      'docker/nats/accounts.conf',
      'libs/contracts/project.json',
      'libs/contracts/src/events/event-catalog.ts',
      'eslint.config.js',
      'package-lock.json',
    ]) {
      expect(touched).toContain(path);
    }
    const port = Number(/nodeService\('billing', (\d+)\)/.exec(readFileSync(join(work, 'tools/stack/src/services.ts'), 'utf8'))?.[1]);
    expect(port).toBe(3004);

    // A second run changes nothing.
    expect(expectOk(await nx(...args))).toContain('nothing to change');
    expect(changed(generated, snapshot(work))).toEqual([]);
    // A port or name another service has is refused, naming the file.
    expect((await nx('g', '@offramp/tools:slice', 'audit', '--http', '--port', '3003', '--dry-run')).output).toContain(
      'port 3003 is taken by pipelines in tools/stack/src/services.ts',
    );

    // As npm install would link the new workspace package (the generator wrote its lockfile entry).
    symlinkSync(join(work, 'apps', SLICE), join(work, 'node_modules/@offramp', SLICE));
    expectOk(await nx('run-many', '-t', 'lint', 'typecheck', '-p', SLICE, '--outputStyle=static'));
    // Its OpenAPI document, as npm run contracts:openapi makes it (the slice's drift test reads it).
    expectOk(await nx('run', 'contracts:openapi', '--outputStyle=static'));
    expect(JSON.parse(readFileSync(join(work, `libs/contracts/openapi/${SLICE}.openapi.json`), 'utf8')).paths).toHaveProperty(['/billing/invoices/{id}']);
    const tests = expectOk(await nx('run', `${SLICE}:test`, '--outputStyle=static'));
    expect(tests).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    expect(tests).not.toMatch(/failed/);
    // What the generator edited outside the slice, checked by the workspace's own tests: the k8s overlays and the
    // NATS accounts with the new service (kubectl, nats-server -t), its NATS user's grants, the event catalog and AsyncAPI.
    const jest = (project: string, ...specs: string[]) =>
      run(
        join(work, project),
        process.execPath,
        ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', join(work, 'node_modules/jest/bin/jest.js'), '--ci', ...specs],
        env,
      );
    expectOk(await jest('tools/deploy', 'src/kubernetes/'));
    expectOk(await jest('libs/messaging', 'src/permissions/nats-accounts.nats-server.spec.ts'));
    expectOk(await jest('libs/contracts', 'src/events/event-catalog.spec.ts'));
    expectOk(await nx('run-many', '-t', 'build', '-p', 'stack', 'gateway', '--outputStyle=static'));

    // The stack runner, as npm start runs it, but only the gateway and the slice, on shifted ports and this test's NATS.
    let offset = 0;
    for (let attempt = 0; attempt < 20 && offset === 0; attempt += 1) {
      const candidate = (await freePort()) - 8080;
      if (candidate > 0 && candidate + port < 65_000 && candidate <= 50_000) offset = candidate;
    }
    expect(offset).toBeGreaterThan(0);
    runner = startProcess(process.execPath, [join(work, 'tools/stack/dist/main.js')], {
      cwd: work,
      detached: true,
      env: {
        ...env,
        NATS_URL: nats.url,
        OFFRAMP_DATA_DIR: data.path,
        DATABASE_URL: `sqlite://${join(data.path, 'offramp.sqlite')}`,
        OFFRAMP_STACK_ONLY: `gateway,${SLICE}`,
        OFFRAMP_STACK_PORT_OFFSET: String(offset),
        GATEWAY_ADMIN_TOKEN: E2E_ADMIN_TOKEN,
      },
    });
    const stack = runner;
    await waitUntil(
      () => {
        if (!stack.isRunning()) throw new Error(`the stack runner exited:\n${stack.output()}`);
        return stack.output().includes('All 2 services ready');
      },
      { timeoutMs: 90_000, intervalMs: 250, description: 'All 2 services ready' },
    );
    expect(stack.output()).toMatch(new RegExp(`${SLICE} ready in`));
    expect(stack.output()).toContain(`http://127.0.0.1:${port + offset}`);

    const gateway = { url: `http://127.0.0.1:${8080 + offset}`, adminUrl: `http://127.0.0.1:${8081 + offset}` };
    const path = '/billing/invoices/{id}';
    await waitUntil(async () => (await gatewayAdmin(gateway, 'GET', '/routes')).json?.loaded === true, {
      timeoutMs: 20_000,
      description: 'route table loaded',
    });
    const seeded = (await gatewayAdmin(gateway, 'GET', `/routes?method=GET&path=${encodeURIComponent(path)}`)).json.routes[0];
    expect(seeded).toMatchObject({ state: 'legacy', service: SLICE });

    const promoted = await gatewayAdmin(gateway, 'POST', '/routes/promote', { method: 'GET', path, to: 'service', by: 'e2e', reason: 'generated slice e2e' });
    expect(promoted.status).toBe(200);
    const answer = await throughGateway(gateway, '/billing/invoices/7');
    expect(answer).toMatchObject({ status: 200, backend: SLICE });
    expect(JSON.parse(answer.body)).toEqual({ slice: SLICE, route: ROUTE, params: { id: '7' } });

    process.kill(-stack.pid, 'SIGINT');
    expect(await stack.exited).toBe(0);
  }, 600_000);
});
