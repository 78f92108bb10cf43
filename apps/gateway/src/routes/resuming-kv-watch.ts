import type { KV, KvWatchEntry } from '@nats-io/kv';

/** How often the watch is compared with its bucket's last revision. */
export const WATCH_CHECK_MS = 1_000;
/** How long the watch may stay behind its bucket before it is made again. */
export const WATCH_STALL_MS = 3_000;

type Watcher = Awaited<ReturnType<KV['watch']>>;

/**
 * A KV watch that does not stay stuck when the node holding its consumer dies.
 *
 * kv.watch() runs an ordered push consumer with one replica, on one node of the cluster. When that
 * node is killed nothing tells the client: @nats-io/jetstream notices only after two missed idle
 * heartbeats, which it sets to 30 s for ordered consumers, so the watch delivers nothing for 60 to
 * 90 s (the route added after a leader election in the 3-node soak). Here the bucket's last
 * revision is checked against the last one delivered; behind for longer than the stall window, the
 * watch is made again from the next revision and the old one stopped. Each revision is delivered
 * once, in the bucket's order, whichever watch brings it.
 */
export class ResumingKvWatch {
  private watcher?: Watcher;
  private lastRevision = 0;
  private behindSince?: number;
  private timer?: NodeJS.Timeout;
  private checking = false;
  private stopped = false;
  /** The current watch ended with an error: the next check makes it again. */
  private failed = false;
  /** How many times the watch was made again (for tests and logs). */
  resumed = 0;

  constructor(
    private readonly kv: KV,
    private readonly deliver: (entry: KvWatchEntry) => void,
    /** A watch that ended with an error, or a delivery that threw (the entry is skipped): reported here, never thrown. */
    private readonly onError: (error: Error) => void,
    private readonly checkMs = WATCH_CHECK_MS,
    private readonly stallMs = WATCH_STALL_MS,
  ) {}

  /** Starts the watch (the bucket's current values first, then every change). */
  async start(): Promise<void> {
    this.follow(await this.kv.watch());
  }

  /**
   * From now on, a watch left behind its bucket is made again. Called once the current values are
   * loaded: a large first load is slow, not stalled.
   */
  keepUp(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.check(), this.checkMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.watcher?.stop();
  }

  private follow(watcher: Watcher): void {
    this.watcher = watcher;
    this.failed = false;
    void (async () => {
      try {
        for await (const entry of watcher) {
          // A stopped watch may still hand over what it had queued: already delivered by its successor.
          if (this.watcher !== watcher || entry.revision <= this.lastRevision) continue;
          this.lastRevision = entry.revision;
          try {
            this.deliver(entry);
          } catch (error) {
            this.onError(new Error(`revision ${entry.revision} of ${entry.key} was not applied: ${(error as Error).message}`));
          }
        }
      } catch (error) {
        // Never rethrown: an unhandled rejection would end the process, and the edge with it.
        if (this.watcher !== watcher || this.stopped) return;
        this.failed = true;
        this.onError(new Error(`the watch ended (made again at the next check): ${(error as Error).message}`));
      }
    })();
  }

  private async check(): Promise<void> {
    if (this.checking || this.stopped) return;
    this.checking = true;
    try {
      const last = (await this.kv.status()).streamInfo.state.last_seq;
      if (last <= this.lastRevision && !this.failed) {
        this.behindSince = undefined;
        return;
      }
      this.behindSince ??= Date.now();
      if (!this.failed && Date.now() - this.behindSince < this.stallMs) return;
      const next = await this.kv.watch({ resumeFromRevision: this.lastRevision + 1 });
      if (this.stopped) {
        next.stop();
        return;
      }
      this.watcher?.stop();
      this.resumed += 1;
      this.behindSince = undefined;
      this.follow(next);
    } catch {
      // NATS unreachable or electing a leader: the next check asks again.
    } finally {
      this.checking = false;
    }
  }
}
