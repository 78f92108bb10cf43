import { execFile, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

interface AutocannonSummary {
  requests: { average: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

const autocannon = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
const runner = fileURLToPath(new URL('./load-runner.js', import.meta.url));

/** Load generators still running, so that a Ctrl-C handler can stop them by pid. */
export const runningLoadGenerators = new Set<ChildProcess>();

/** autocannon in its own process (the load generator must not share the proxy's event loop). */
export function load(url: string, connections: number, seconds: number, headers: Record<string, string> = {}): Promise<LoadResult> {
  const args = [autocannon, '-c', String(connections), '-d', String(seconds), '-j'];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}=${value}`);
  args.push(url);
  return runAutocannon(args, seconds);
}

export interface RequestListLoad {
  /** `http://host:port`; the paths are appended to it. */
  baseUrl: string;
  /** Request targets (path + query), sent round-robin over all connections. */
  paths: string[];
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
  /** Where to write the list for the load generator's process. */
  listFile: string;
}

/** autocannon in its own process, cycling through a fixed list of GET requests. */
export function loadRequestList(options: RequestListLoad): Promise<LoadResult> {
  writeFileSync(
    options.listFile,
    JSON.stringify({
      baseUrl: options.baseUrl,
      paths: options.paths,
      connections: options.connections,
      seconds: options.seconds,
      headers: options.headers ?? {},
    }),
  );
  return runAutocannon([runner, options.listFile], options.seconds);
}

function runAutocannon(args: string[], seconds: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, args, { maxBuffer: 64 * 1024 * 1024, timeout: (seconds + 30) * 1_000 }, (error, stdout, stderr) => {
      runningLoadGenerators.delete(child);
      if (error) return reject(new Error(`autocannon failed: ${error.message}\n${stderr}`, { cause: error }));
      const result = JSON.parse(stdout) as AutocannonSummary;
      resolve({
        rps: Math.round(result.requests.average),
        p50: result.latency.p50,
        p99: result.latency.p99,
        errors: result.errors + result.timeouts,
        non2xx: result.non2xx,
      });
    });
    runningLoadGenerators.add(child);
  });
}
