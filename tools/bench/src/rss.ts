import { readdirSync, readFileSync } from 'node:fs';

/**
 * Resident memory of a process and of every process below it (php-fpm and nginx answer from
 * their workers, not from the master whose pid a benchmark holds), in MB, read from /proc.
 * A process that has exited counts 0: a benchmark samples while things stop. Pages the processes
 * of a tree share (code, php-fpm's OPcache, chromium's renderers) count once per process, so a
 * tree's figure is an upper bound: chromium's 10 processes read 1,100 MB here against 429 MB of
 * PSS (/proc/<pid>/smaps_rollup) at the same moment; a one-process Node service 194 against 153.
 */
export function rssMb(pid: number): number {
  let kb = 0;
  for (const member of processTree(pid)) kb += residentKb(member);
  return Math.round((kb / 1024) * 10) / 10;
}

function residentKb(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Each process's children, from the parent pid field of every /proc/<pid>/stat. */
function childrenByParent(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name (field 2) may hold spaces and parentheses: the parent pid follows its last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // exited between readdir and read
    }
  }
  return children;
}

/**
 * The direct children of a process whose command line contains `marker`: for a process a library
 * starts without handing out its pid (Playwright's browser), found by an argument the bench chose.
 */
export function childPids(parent: number, marker: string): number[] {
  return (childrenByParent().get(parent) ?? []).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
        .split('\0')
        .some((argument) => argument.includes(marker));
    } catch {
      return false;
    }
  });
}

function processTree(root: number): number[] {
  const children = childrenByParent();
  const tree: number[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/**
 * Highest RSS of each named service while a load runs, sampled every `everyMs`. A service is one
 * process tree, or several the bench started side by side (the monolith: nginx and php-fpm): each
 * sample adds them up at one moment, so the peak is the highest sum, not a sum of peaks.
 */
export class RssPeaks {
  private readonly peaks = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pids: Record<string, number | Array<number | undefined>>) {}

  /** The figure now, for the idle column. */
  now(): Record<string, number> {
    return Object.fromEntries(
      Object.entries(this.pids).map(([name, pids]) => {
        const trees = Array.isArray(pids) ? pids : [pids];
        return [name, Math.round(trees.reduce((total: number, pid) => total + (pid === undefined ? 0 : rssMb(pid)), 0) * 10) / 10];
      }),
    );
  }

  start(everyMs = 250): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
    return this;
  }

  stop(): Record<string, number> {
    clearInterval(this.timer);
    this.sample();
    return Object.fromEntries(this.peaks);
  }

  private sample(): void {
    for (const [name, mb] of Object.entries(this.now())) this.peaks.set(name, Math.max(mb, this.peaks.get(name) ?? 0));
  }
}

/**
 * What every bench puts under `"rss_mb"` in its JSON line, one entry per service it starts (the
 * name the bench's table uses), MB of the service's process tree:
 *
 *     "rss_mb": { "gateway": { "idle": 61.2, "peak": 88.4 }, "legacy": { "idle": 40.1, "peak": 52.7 } }
 *
 * `idle`: after start-up and warm-up, before the measured load; `peak`: the highest sample while it
 * ran (RssPeaks). A bench whose rounds repeat keeps the highest peak of all its rounds.
 */
export type RssFigures = Record<string, { idle: number; peak: number }>;

/** Idle figures (RssPeaks.now() before the load) and peaks (RssPeaks.stop()) in the JSON shape. */
export function rssFigures(idle: Record<string, number>, peak: Record<string, number>): RssFigures {
  return Object.fromEntries(Object.keys(idle).map((name) => [name, { idle: idle[name], peak: Math.max(peak[name] ?? 0, idle[name]) }]));
}

/** The rows of a bench's memory table (for stats.table), a heading and one row per service. */
export function rssTableRows(figures: RssFigures, load: string): string[][] {
  const idle = Object.fromEntries(Object.entries(figures).map(([name, { idle }]) => [name, idle]));
  const peak = Object.fromEntries(Object.entries(figures).map(([name, { peak }]) => [name, peak]));
  return rssByLoad(idle, { [load]: peak }).rows;
}

/**
 * A bench with several loads (integrations: each side's quote run, then the partner deliveries):
 * the table has one peak column per load (empty where a load did not run), the JSON's peak is the
 * highest of them.
 */
export function rssByLoad(idle: Record<string, number>, peaks: Record<string, Record<string, number>>): { figures: RssFigures; rows: string[][] } {
  const loads = Object.keys(peaks);
  const highest = Object.fromEntries(Object.keys(idle).map((name) => [name, Math.max(0, ...loads.map((load) => peaks[load][name] ?? 0))]));
  return {
    figures: rssFigures(idle, highest),
    rows: [
      ['memory (RSS, MB)', 'idle', ...loads.map((load) => `peak (${load})`)],
      ...Object.keys(idle).map((name) => [
        name,
        idle[name].toFixed(1),
        ...loads.map((load) => (peaks[load][name] === undefined ? '' : Math.max(peaks[load][name], idle[name]).toFixed(1))),
      ]),
    ],
  };
}
