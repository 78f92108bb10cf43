// The load generator's own process for latencyLoad(): keep-alive connections that time each
// request in µs (autocannon's histogram counts whole milliseconds, which hide a proxy's cost at low
// concurrency). Closed loop by default: each connection sends its next request as soon as the last
// answer came, which on a shared 2-core machine runs every target at its saturation. With a rate,
// the connections together send that many requests a second: the latency a target adds below
// saturation. The first second warms up (connections opened, this process's code compiled) and is
// not counted. Prints {rps, p50Us, p99Us, errors, non2xx} as JSON on stdout.
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { percentile } from './stats.js';

const [url, connectionsArg, secondsArg, headersArg, rateArg] = process.argv.slice(2);
const connections = Number(connectionsArg);
const rate = Number(rateArg ?? 0);
const WARMUP_MS = 1_000;
const startedAt = performance.now();
const countFrom = startedAt + WARMUP_MS;
const deadline = countFrom + Number(secondsArg) * 1_000;
const headers = JSON.parse(headersArg ?? '{}') as Record<string, string>;
const agent = new Agent({ keepAlive: true, maxSockets: connections });
const samples: number[] = [];
let errors = 0;
let non2xx = 0;

/** One request, timed from `since` (its send, unless it was due earlier). */
function once(since = performance.now()): Promise<void> {
  return new Promise((resolve) => {
    const req = request(url, { agent, headers }, (res) => {
      res.resume();
      res.on('end', () => {
        if (since >= countFrom) {
          if (res.statusCode === undefined || res.statusCode < 200 || res.statusCode > 299) non2xx++;
          samples.push((performance.now() - since) * 1_000);
        }
        resolve();
      });
    });
    req.on('error', () => {
      if (since >= countFrom) errors++;
      resolve();
    });
    req.end();
  });
}

// Both loops are bounded by the deadline; an error-only target still stops then.
async function closedLoop(): Promise<void> {
  while (performance.now() < deadline) await once();
}

/**
 * Connection `index` of `connections` sends every connections/rate seconds, the connections
 * staggered. A request due while its connection still waited for the previous answer is timed from
 * when it was due, so a stall counts for every request it held back (no coordinated omission); one
 * sent on time is timed from its send, so a timer firing late adds nothing.
 */
async function paced(index: number): Promise<void> {
  const interval = (connections * 1_000) / rate;
  for (let due = startedAt + (index * 1_000) / rate; due < deadline; due += interval) {
    const now = performance.now();
    if (now < due) {
      await sleep(due - now);
      await once();
    } else await once(due);
  }
}

await Promise.all(Array.from({ length: connections }, (_, index) => (rate > 0 ? paced(index) : closedLoop())));
const elapsed = (performance.now() - countFrom) / 1_000;
agent.destroy();
const at = (p: number) => (samples.length === 0 ? 0 : Math.round(percentile(samples, p)));
process.stdout.write(JSON.stringify({ rps: Math.round(samples.length / elapsed), p50Us: at(50), p99Us: at(99), errors, non2xx }));
