import { rssMb } from '../rss.js';

/**
 * RssPeaks (rss.ts) for services that are several process trees: the monolith is nginx and
 * php-fpm, both children of the bench. Each sample sums the trees of a service at the same moment,
 * so the peak is the highest sum (not the sum of each tree's own peak).
 */
export class RssGroupPeaks {
  private readonly peaks = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly groups: Record<string, Array<number | undefined>>) {}

  /** The figure now, for the idle column. */
  now(): Record<string, number> {
    return Object.fromEntries(
      Object.entries(this.groups).map(([name, pids]) => [
        name,
        Math.round(pids.reduce((total: number, pid) => total + (pid === undefined ? 0 : rssMb(pid)), 0) * 10) / 10,
      ]),
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
