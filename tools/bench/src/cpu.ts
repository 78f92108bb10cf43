import { readFileSync } from 'node:fs';

/**
 * CPU time (utime + stime) a process has used so far, in µs, read from /proc/<pid>/stat: a figure
 * other processes on the machine do not distort, unlike a rate. Undefined once the process is gone.
 */
export function cpuMicros(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields 14 and 15 count from its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

// USER_HZ: 100 on every Linux architecture Node runs on.
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU µs per unit of work of each named process between `start()` and `stop(units)`. */
export class CpuPerUnit {
  private readonly before = new Map<string, number | undefined>();

  constructor(private readonly pids: Record<string, number>) {}

  start(): this {
    for (const [name, pid] of Object.entries(this.pids)) this.before.set(name, cpuMicros(pid));
    return this;
  }

  stop(units: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids)) {
      const start = this.before.get(name);
      const end = cpuMicros(pid);
      out[name] = start === undefined || end === undefined || units <= 0 ? Number.NaN : Math.round(((end - start) / units) * 10) / 10;
    }
    return out;
  }
}
