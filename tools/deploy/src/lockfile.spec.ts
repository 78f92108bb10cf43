import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir, workspaceRoot, type TempDir } from '@offramp/testing';

const run = promisify(execFile);

/** package.json, the lockfile and every workspace's package.json: all that `npm ci` reads to check they agree. */
function manifestFiles(root: string): string[] {
  const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
  const members = workspaces.flatMap((pattern) => {
    const parent = pattern.replace(/\/\*$/, '');
    return readdirSync(join(root, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(root, parent, entry.name, 'package.json')))
      .map((entry) => `${parent}/${entry.name}/package.json`);
  });
  return ['package.json', 'package-lock.json', ...members];
}

/**
 * `npm ci` as every Dockerfile and every team's CI runs it, in dry-run (it checks the lockfile
 * against the package.json files and installs nothing), offline with an empty cache: a lockfile
 * that lacks an entry cannot be completed from the registry here, it fails.
 */
async function npmCi(dir: string): Promise<{ ok: true } | { ok: false; output: string }> {
  try {
    await run('npm', ['ci', '--dry-run', '--ignore-scripts', '--offline', '--no-audit', '--no-fund', '--loglevel=error', '--cache', join(dir, '.npm-cache')], {
      cwd: dir,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { ok: true };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('the committed lockfile is one `npm ci` accepts', () => {
  let dir: TempDir;

  beforeEach(() => {
    dir = tempDir('offramp-lockfile-');
    for (const file of manifestFiles(workspaceRoot())) {
      mkdirSync(dirname(join(dir.path, file)), { recursive: true });
      copyFileSync(join(workspaceRoot(), file), join(dir.path, file));
    }
  });

  afterEach(() => dir.remove());

  it('in sync with package.json and the workspaces, other platforms’ optional packages included', async () => {
    const lock = JSON.parse(readFileSync(join(dir.path, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
    // The entries npm 11 dropped once (installs on Linux), which made `npm ci` refuse the lockfile.
    expect(Object.keys(lock.packages)).toEqual(expect.arrayContaining(['node_modules/@swc/core-darwin-arm64', 'node_modules/@swc/core-win32-x64-msvc']));
    expect(await npmCi(dir.path)).toEqual({ ok: true });
  });

  it('refuses a lockfile that lacks another platform’s optional package (the check can fail)', async () => {
    const file = join(dir.path, 'package-lock.json');
    const lock = JSON.parse(readFileSync(file, 'utf8')) as { packages: Record<string, unknown> };
    delete lock.packages['node_modules/@swc/core-darwin-arm64'];
    writeFileSync(file, JSON.stringify(lock, null, 2));
    const result = await npmCi(dir.path);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.output).toMatch(/Missing: @swc\/core-darwin-arm64/);
  });
});
