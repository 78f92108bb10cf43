import { spawn } from 'node:child_process';
import { childPids, RssPeaks, rssByLoad, rssFigures, rssMb, rssTableRows } from './rss.js';

const CHILD = 'globalThis.keep = Buffer.alloc(64 * 1024 * 1024, 1); setTimeout(() => {}, 30000)';
const PARENT = `require('child_process').spawn(process.execPath, ['-e', ${JSON.stringify(CHILD)}], { stdio: 'ignore' }); setTimeout(() => {}, 30000)`;

describe('resident memory of a process tree', () => {
  it('counts the children of a process and keeps the highest sample', async () => {
    // The parent holds little, its child ~64 MB: the tree's figure must include the child's memory.
    // Its own process group, so that one kill stops the parent and the child it started.
    const parent = spawn(process.execPath, ['-e', PARENT], { stdio: 'ignore', detached: true });
    const pid = parent.pid;
    if (pid === undefined) throw new Error('the test process did not start');
    try {
      const peaks = new RssPeaks({ tree: pid }).start(50);
      let mb = 0;
      for (let tries = 0; tries < 100 && mb < 64; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        mb = rssMb(pid);
      }
      expect(mb).toBeGreaterThanOrEqual(64);
      expect(peaks.stop()['tree']).toBeGreaterThanOrEqual(64);
    } finally {
      process.kill(-pid, 'SIGKILL');
    }
  });

  it('adds up the trees of a service made of several, at one moment', async () => {
    // An idle child holding a fixed 32 MB: its figure stays put between two reads (Jest's own does not).
    // It says when the buffer is filled: a bare node process passes 32 MB while it starts, before
    // the buffer exists, and a figure still growing differs between the two reads of one sample.
    const child = spawn(
      process.execPath,
      ['-e', `globalThis.keep = Buffer.alloc(32 * 1024 * 1024, 1); process.stdout.write('ready\\n'); setTimeout(() => {}, 30000)`],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    const pid = child.pid;
    if (pid === undefined) throw new Error('the test process did not start');
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.once('data', () => resolve());
        child.once('exit', (code) => reject(new Error(`the test process exited with ${code} before it held its buffer`)));
      });
      for (let tries = 0, last = -1, mb = rssMb(pid); tries < 100 && mb !== last; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        [last, mb] = [mb, rssMb(pid)];
      }
      const peaks = new RssPeaks({ one: pid, twice: [pid, pid], none: [undefined] }).start(10);
      const now = peaks.now();
      expect(now['one']).toBeGreaterThanOrEqual(32);
      expect(Math.abs(now['twice'] - 2 * now['one'])).toBeLessThan(now['one'] * 0.1);
      expect(now['none']).toBe(0);
      expect(Object.keys(peaks.stop()).sort()).toEqual(['none', 'one', 'twice']);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('counts a process that is gone as 0', () => {
    expect(rssMb(2 ** 22 + 1)).toBe(0);
  });

  it('shapes idle and peak figures for the JSON line and the table', () => {
    const figures = rssFigures({ gateway: 60.25, legacy: 40 }, { gateway: 88.4, legacy: 30 });
    // A peak sampled below the idle figure (memory returned under load) still reads as at least idle.
    expect(figures).toEqual({ gateway: { idle: 60.25, peak: 88.4 }, legacy: { idle: 40, peak: 40 } });
    expect(rssTableRows(figures, '64 connections')).toEqual([
      ['memory (RSS, MB)', 'idle', 'peak (64 connections)'],
      ['gateway', '60.3', '88.4'],
      ['legacy', '40.0', '40.0'],
    ]);
  });

  it('gives one peak column per load and the highest of them as the peak', () => {
    const { figures, rows } = rssByLoad({ legacy: 40, slice: 50 }, { 'legacy load': { legacy: 70, slice: 51 }, 'slice load': { slice: 90 } });
    expect(figures).toEqual({ legacy: { idle: 40, peak: 70 }, slice: { idle: 50, peak: 90 } });
    expect(rows).toEqual([
      ['memory (RSS, MB)', 'idle', 'peak (legacy load)', 'peak (slice load)'],
      ['legacy', '40.0', '70.0', ''],
      ['slice', '50.0', '51.0', '90.0'],
    ]);
  });

  it('finds a child by an argument of its command line', async () => {
    const marker = `--rss-spec-marker-${process.pid}`;
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)', '--', marker], { stdio: 'ignore' });
    try {
      let found: number[] = [];
      for (let tries = 0; tries < 100 && found.length === 0; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        found = childPids(process.pid, marker);
      }
      expect(found).toEqual([child.pid]);
      expect(childPids(process.pid, `${marker}-none`)).toEqual([]);
    } finally {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }
  });
});
