import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceNodeArgs, ServiceNodeArgsError } from './service-node-args.js';
import { workspaceRoot } from './workspace.js';

describe('serviceNodeArgs', () => {
  const root = mkdtempSync(join(tmpdir(), 'offramp-node-args-'));
  const app = (name: string, manifest: unknown) => {
    mkdirSync(join(root, 'apps', name), { recursive: true });
    writeFileSync(join(root, 'apps', name, 'package.json'), JSON.stringify(manifest));
    return name;
  };

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads the options a service declares, and none where it declares none', () => {
    expect(serviceNodeArgs(app('declares', { name: 'x', offramp: { nodeArgs: ['--max-semi-space-size=8', '--no-warnings'] } }), root)).toEqual([
      '--max-semi-space-size=8',
      '--no-warnings',
    ]);
    expect(serviceNodeArgs(app('silent', { name: 'y' }), root)).toEqual([]);
  });

  it.each([
    ['not a list', '--max-semi-space-size=8'],
    ['a script instead of an option', ['dist/other.js']],
    ['an option with a shell word', ['--require=x; rm -rf /']],
    ['a number', [8]],
  ])('refuses %s, naming the file and the field', (_, nodeArgs) => {
    const name = app(`bad-${String(Math.random()).slice(2)}`, { offramp: { nodeArgs } });
    expect(() => serviceNodeArgs(name, root)).toThrow(ServiceNodeArgsError);
    expect(() => serviceNodeArgs(name, root)).toThrow(`apps/${name}/package.json: offramp.nodeArgs`);
  });

  it("every service's declared options are ones Node takes in NODE_OPTIONS (the image sets them there)", () => {
    const apps = readdirSync(join(workspaceRoot(), 'apps')).filter((name) => existsSync(join(workspaceRoot(), 'apps', name, 'package.json')));
    const declared = apps.flatMap((name) => serviceNodeArgs(name));
    expect(declared).toContain('--max-semi-space-size=16');
    for (const arg of declared) expect(process.allowedNodeEnvironmentFlags.has(arg.split('=')[0])).toBe(true);
  });
});
