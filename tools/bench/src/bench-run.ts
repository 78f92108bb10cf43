import { runningLoadGenerators } from './load.js';

/**
 * What a bench has started, stopped in reverse order: at the end, on an error, and on SIGINT or
 * SIGTERM (a CI timeout signals the bench alone, and its servers would outlive it). Load
 * generators still running are killed first, so that no request is in flight while servers stop.
 */
export class Cleanups {
  private readonly steps: Array<() => Promise<unknown> | unknown> = [];
  private running: Promise<void> | undefined;
  /** Set once a signal has arrived: the failures that follow (a load generator killed) are expected. */
  interrupted = false;

  constructor(readonly log: (line: string) => void) {}

  push(step: () => Promise<unknown> | unknown): void {
    this.steps.push(step);
  }

  /** Runs every step once (a second call waits for the first); one that fails is logged, the rest still run. */
  run(): Promise<void> {
    this.running ??= (async () => {
      for (const child of runningLoadGenerators) if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      for (let step = this.steps.pop(); step; step = this.steps.pop()) {
        try {
          await step();
        } catch (error) {
          this.log(`clean-up: ${(error as Error).message}`);
        }
      }
    })();
    return this.running;
  }
}

/**
 * Runs a bench's main: everything pushed to its Cleanups is stopped when main returns, and on an
 * error (exit 1, the error logged) or a signal (exit 130).
 */
export async function runBench(cleanups: Cleanups, main: () => Promise<void>): Promise<void> {
  const log = cleanups.log;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      cleanups.interrupted = true;
      log(`${signal}: stopping everything this benchmark started`);
      void cleanups.run().finally(() => process.exit(130));
    });
  }
  try {
    await main();
  } catch (error) {
    if (!cleanups.interrupted) log(`failed: ${(error as Error).message}`);
    await cleanups.run();
    process.exit(cleanups.interrupted ? 130 : 1);
  }
  await cleanups.run();
}
