import { join } from 'node:path';
import { startProcess, workspaceRoot } from '@offramp/testing';
import type { CheckResult } from '../check-result.js';

/** One `offramp doctor` run as a user starts it (bin/offramp.js, its own process), for the doctor's e2e specs. */
export interface DoctorRun {
  code: number;
  stdout: string;
  results: CheckResult[];
  /** Status per check name. */
  status: Record<string, string>;
}

/** Runs `offramp doctor` (--json unless told otherwise) with only PATH, HOME and `env`; killed after 25 s. */
export async function doctor(env: Record<string, string>, options: { json?: boolean; node?: string } = {}): Promise<DoctorRun> {
  const json = options.json ?? true;
  const child = startProcess(options.node ?? process.execPath, [join(workspaceRoot(), 'tools/cli/bin/offramp.js'), 'doctor', ...(json ? ['--json'] : [])], {
    cwd: workspaceRoot(),
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env },
  });
  let stdout = '';
  child.child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const timer = setTimeout(() => void child.stop('SIGKILL'), 25_000);
  const code = await child.exited;
  clearTimeout(timer);
  let results: CheckResult[] = [];
  if (json) {
    try {
      results = (JSON.parse(stdout) as { results: CheckResult[] }).results;
    } catch {
      throw new Error(`offramp doctor printed no JSON (exit ${code}):\n${child.output()}`);
    }
  }
  return { code, stdout, results, status: Object.fromEntries(results.map((result) => [result.name, result.status])) };
}

export const failed = (run: DoctorRun) => run.results.filter((result) => result.status !== 'ok').map((result) => result.name);
export const detailOf = (run: DoctorRun, name: string) => run.results.find((result) => result.name === name)?.detail;
