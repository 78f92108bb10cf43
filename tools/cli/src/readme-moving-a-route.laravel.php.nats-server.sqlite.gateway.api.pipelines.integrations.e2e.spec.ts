import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { startNatsServer, startProcess, tempDir, waitUntil, workspaceRoot, type ManagedProcess, type NatsServerHandle, type TempDir } from '@offramp/testing';
import { main } from './main.js';

/** The standard ports `npm start` takes (ARCHITECTURE.md): the monolith, api, integrations, pipelines, the gateway and its admin listener. */
const STACK_PORTS = [8000, 3001, 3002, 3003, 8080, 8081];

interface Step {
  /** The command as README writes it begins so. */
  command: string;
  /** What its output says (stdout and stderr together). */
  says: RegExp[];
}

// README's "Moving a route", in its order; the first step is Laravel's route list piped into the CLI.
const STEPS: Step[] = [
  {
    command: '(cd apps/legacy && php artisan offramp:routes) | npx offramp routes import -',
    // Already in the table: the seven routes apps/gateway/routes.yaml seeds (four of the api, two of integrations, one of pipelines).
    says: [/^imported \d+ route\(s\) as legacy; 7 already in the table$/m],
  },
  { command: 'npx offramp routes list', says: [/^ROUTE\s+STATE\s+SERVICE/, /^GET\|HEAD \/api\/products\s+legacy\s+api\s/m] },
  { command: 'npx offramp routes promote GET /api/products --to shadow', says: [/^GET\|HEAD \/api\/products: now shadow$/m] },
  { command: 'curl -s "http://127.0.0.1:8080/api/products?page=[1-120]"', says: [] },
  {
    command: 'npx offramp routes diffs GET /api/products',
    says: [
      /^match rate: 100\.00% of 1[0-2]\d$/m,
      /^evidence \(matching\/compared, by the monolith's status\): 2xx 1[0-2]\d\/1[0-2]\d/m,
      /^promotion: ready$/m,
      /^no mismatches recorded$/m,
    ],
  },
  {
    command: 'npx offramp routes promote GET /api/products --to canary --canary 10',
    says: [/^GET\|HEAD \/api\/products: now canary \(match rate 100\.00% of 1[0-2]\d\)$/m],
  },
  { command: 'npx offramp routes rollback --all', says: [/^rolled back to legacy:\n {2}GET\|HEAD \/api\/products\n(?! {2})/m] },
  {
    command: 'npx offramp routes history',
    says: [
      / {2}GET\|HEAD \/api\/products {2}seed {2}by seed: seeded from /,
      / {2}GET\|HEAD \/api\/products {2}promote legacy→shadow {2}by \S+: compare the api slice$/m,
      / {2}GET\|HEAD \/api\/products {2}promote shadow→canary {2}by \S+: 10% of callers$/m,
      / {2}GET\|HEAD \/api\/products {2}rollback canary→legacy {2}by \S+: incident 42$/m,
    ],
  },
];

/** The commands of the first bash block under README's "## Moving a route", one per line. */
function readmeCommands(): string[] {
  const readme = readFileSync(join(workspaceRoot(), 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Moving a route\n'));
  const block = /```bash\n([\s\S]*?)\n```/.exec(section)?.[1] ?? '';
  return block.split('\n').filter((line) => line.trim() !== '');
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(1_000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/**
 * README's "Moving a route" runs as written, command by command, on a fresh `npm start`: the stack
 * runner (tools/stack, as `npm start` runs it) with its data in a temp folder, a real nats-server,
 * the real Laravel app, the four services on their standard ports; each README line run by `sh`
 * from the repo root, as a person pastes it. Between the traffic and the next command the test
 * waits for the evidence, as README tells people to.
 */
describe('README\'s "Moving a route" on a fresh npm start', () => {
  let nats: NatsServerHandle;
  let data: TempDir;
  let stack: ManagedProcess;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    const taken = (await Promise.all(STACK_PORTS.map(async (port) => ((await portInUse(port)) ? port : 0)))).filter(Boolean);
    if (taken.length) throw new Error(`ports ${taken.join(', ')} are in use: stop what runs there (a running npm start?) before this test`);
    nats = await startNatsServer();
    data = tempDir('offramp-readme-stack-');
    // What a person's shell has: no admin URL or token of its own; npx offramp finds the stack's token in its data folder.
    env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OFFRAMP_') && !name.startsWith('GATEWAY_')));
    env['OFFRAMP_DATA_DIR'] = data.path;
    stack = startProcess(process.execPath, [join(workspaceRoot(), 'tools/stack/dist/main.js')], {
      cwd: workspaceRoot(),
      detached: true,
      env: { ...env, NATS_URL: nats.url, DATABASE_URL: `sqlite://${join(data.path, 'offramp.sqlite')}` },
    });
    await waitUntil(
      () => {
        if (!stack.isRunning()) throw new Error(`npm start's runner exited:\n${stack.output()}`);
        // The count is the stack's (tools/stack/src/services.ts); this test reads README's steps, not the service list.
        return /All \d+ services ready/.test(stack.output());
      },
      { timeoutMs: 180_000, intervalMs: 250, description: 'npm start: All … services ready' },
    );
  }, 240_000);

  afterAll(async () => {
    if (stack?.isRunning()) {
      process.kill(-stack.pid, 'SIGINT'); // Ctrl-C, as the terminal sends it to the group
      await Promise.race([stack.exited, new Promise((resolve) => setTimeout(resolve, 30_000).unref())]);
      if (stack.isRunning()) process.kill(-stack.pid, 'SIGKILL');
    }
    await nats?.stop();
    data?.remove();
  }, 60_000);

  function sh(command: string): Promise<{ code: number; output: string }> {
    return new Promise((resolve) => {
      execFile('sh', ['-c', command], { cwd: workspaceRoot(), env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      });
    });
  }

  /** The evidence of a route once promotion out of shadow is allowed (the comparisons are counted off the request path). */
  async function shadowProofReady(id: string): Promise<void> {
    await waitUntil(
      async () => {
        let out = '';
        const io = { out: (text: string) => (out += text), err: () => undefined, env, readStdin: () => '' };
        if ((await main(['routes', 'list', '--json'], io)) !== 0) return false;
        const listed = (JSON.parse(out) as { routes: { id: string; shadowGate?: { promotable: boolean } }[] }).routes.find((route) => route.id === id);
        return listed?.shadowGate?.promotable === true;
      },
      { timeoutMs: 30_000, intervalMs: 500, description: `shadow evidence of ${id} enough to promote` },
    );
  }

  it('lists the steps this test knows, in order', () => {
    const commands = readmeCommands();
    expect(commands.map((line, index) => line.startsWith(STEPS[index]?.command ?? '\0'))).toEqual(STEPS.map(() => true));
  });

  it('runs each command as written: exit code 0 and what it says', async () => {
    for (const [index, line] of readmeCommands().entries()) {
      const step = STEPS[index];
      if (!step) throw new Error(`README has a command this test does not know: ${line}`);
      const { code, output } = await sh(line);
      expect({ line, code, output }).toEqual({ line, code: 0, output: expect.any(String) });
      for (const pattern of step.says) expect({ line, output }).toEqual({ line, output: expect.stringMatching(pattern) });
      if (step.command.startsWith('curl ')) await shadowProofReady('GET|HEAD /api/products');
    }
  }, 300_000);
});
