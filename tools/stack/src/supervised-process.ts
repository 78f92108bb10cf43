import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

export interface SupervisedProcess {
  name: string;
  pid: number;
  logFile: string;
  exited: Promise<number | null>;
  running(): boolean;
  stop(graceMs: number): Promise<void>;
  tail(lines: number): string;
}

/**
 * Runs a service in its own process group, its output appended to a log file. Its own group means
 * Ctrl-C reaches only the runner, which then stops the services in order.
 */
export function supervise(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, logFile: string): SupervisedProcess {
  const log = openSync(logFile, 'a');
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', log, log], detached: true });
  closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
  const pid = child.pid;
  let alive = true;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      alive = false;
      resolve(code ?? (signal ? null : 1));
    }),
  );
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  };
  return {
    name,
    pid,
    logFile,
    exited,
    running: () => alive,
    async stop(graceMs) {
      if (!alive) return;
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      // Whatever the service left in its group (php -S workers) goes with it.
      signalGroup('SIGKILL');
    },
    tail(lines) {
      try {
        return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '(no log)';
      }
    },
  };
}
