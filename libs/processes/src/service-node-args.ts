import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from './workspace.js';

/** apps/<app>/package.json's `offramp.nodeArgs` is not a list of Node options (`--name` or `--name=value`). */
export class ServiceNodeArgsError extends Error {
  readonly code = 'SERVICE_NODE_ARGS_INVALID';
  constructor(
    readonly app: string,
    detail: string,
  ) {
    super(`apps/${app}/package.json: offramp.nodeArgs ${detail}; write a list of Node options, e.g. ["--max-semi-space-size=16"]`);
    this.name = 'ServiceNodeArgsError';
  }
}

const NODE_OPTION = /^--[a-z0-9-]+(=[A-Za-z0-9._,:/-]+)?$/;

/**
 * The Node options a service runs with, declared once beside it (apps/<app>/package.json,
 * `"offramp": { "nodeArgs": [...] }`) and read by everything that starts it: the test harness and
 * the stack runner put them before its entry point, the image build writes them into the image's
 * NODE_OPTIONS. V8's heap sizes can only be set when the process starts, never from its code.
 */
export function serviceNodeArgs(app: string, root = workspaceRoot()): string[] {
  const manifest = JSON.parse(readFileSync(join(root, 'apps', app, 'package.json'), 'utf8')) as { offramp?: { nodeArgs?: unknown } };
  const args = manifest.offramp?.nodeArgs;
  if (args === undefined) return [];
  if (!Array.isArray(args)) throw new ServiceNodeArgsError(app, 'is not a list');
  for (const arg of args) {
    if (typeof arg !== 'string' || !NODE_OPTION.test(arg)) throw new ServiceNodeArgsError(app, `holds ${JSON.stringify(arg)}`);
  }
  return args as string[];
}
