import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to its end (bounded by `timeoutMs`), its output kept, and shown as it comes when
 * `echo` is set (long builds show progress).
 */
export function runCommand(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; echo?: boolean; input?: string } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk;
      if (options.echo) process.stderr.write(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk;
      if (options.echo) process.stderr.write(chunk);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
    if (child.stdin) {
      // A command that exits before reading its input is not an error of ours.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
  });
}

export class CommandFailedError extends Error {
  constructor(
    readonly command: string,
    readonly result: CommandResult,
  ) {
    super(`${command} exited with ${result.code}\n${result.stderr.slice(-4_000) || result.stdout.slice(-4_000)}`);
  }
}

/**
 * podman with the engine settings this kind of machine needs: runc (crun fails here) and ulimits
 * under the host's hard limits, from a containers.conf of our own (CONTAINERS_CONF).
 */
export class Podman {
  readonly env: NodeJS.ProcessEnv;

  constructor(stateFolder: string, hardNofileLimit: number) {
    mkdirSync(stateFolder, { recursive: true });
    const conf = join(stateFolder, 'containers.conf');
    // podman's defaults exceed what this host lets a container set (runc: "error setting rlimit ...
    // operation not permitted"): open files under the host's hard limit, processes well under it.
    const nofile = Math.min(hardNofileLimit, 16_384);
    writeFileSync(conf, `[containers]\ndefault_ulimits = ["nofile=${nofile}:${nofile}", "nproc=4096:4096"]\n\n[engine]\nruntime = "runc"\n`);
    this.env = { ...process.env, CONTAINERS_CONF: conf };
  }

  async run(args: string[], options: { timeoutMs?: number; echo?: boolean; cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<string> {
    const result = await runCommand('podman', args, { ...options, env: { ...this.env, ...options.env } });
    if (result.code !== 0) throw new CommandFailedError(`podman ${args.slice(0, 3).join(' ')}`, result);
    return result.stdout;
  }

  async imageExists(image: string): Promise<boolean> {
    return (await runCommand('podman', ['image', 'exists', image], { env: this.env })).code === 0;
  }

  /** A pull that gives up fast where no registry answers; never --pull=always. */
  async tryPull(image: string): Promise<boolean> {
    return (await runCommand('podman', ['pull', '--quiet', image], { env: this.env, timeoutMs: 90_000 })).code === 0;
  }

  async imageSizeBytes(image: string): Promise<number> {
    return Number((await this.run(['image', 'inspect', '--format', '{{.Size}}', image])).trim());
  }
}
