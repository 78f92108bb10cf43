// The load generator's own process for latencyLoad(): closed-loop keep-alive connections that time
// each request in µs (autocannon's histogram counts whole milliseconds, which hide a proxy's cost at
// low concurrency). Prints {rps, p50Us, p99Us, errors, non2xx} as JSON on stdout.
import { Agent, request } from 'node:http';
import { percentile } from './stats.js';

const [url, connectionsArg, secondsArg, headersArg] = process.argv.slice(2);
const connections = Number(connectionsArg);
const deadline = performance.now() + Number(secondsArg) * 1_000;
const headers = JSON.parse(headersArg ?? '{}') as Record<string, string>;
const agent = new Agent({ keepAlive: true, maxSockets: connections });
const samples: number[] = [];
let errors = 0;
let non2xx = 0;

function once(): Promise<void> {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = request(url, { agent, headers }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode === undefined || res.statusCode < 200 || res.statusCode > 299) non2xx++;
        samples.push((performance.now() - started) * 1_000);
        resolve();
      });
    });
    req.on('error', () => {
      errors++;
      resolve();
    });
    req.end();
  });
}

// Bounded by the deadline; an error-only target still stops then.
async function loop(): Promise<void> {
  while (performance.now() < deadline) await once();
}

const startedAt = performance.now();
await Promise.all(Array.from({ length: connections }, loop));
const elapsed = (performance.now() - startedAt) / 1_000;
agent.destroy();
const at = (p: number) => (samples.length === 0 ? 0 : Math.round(percentile(samples, p)));
process.stdout.write(JSON.stringify({ rps: Math.round(samples.length / elapsed), p50Us: at(50), p99Us: at(99), errors, non2xx }));
