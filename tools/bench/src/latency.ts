import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runningLoadGenerators } from './load.js';

export interface LatencyResult {
  rps: number;
  p50Us: number;
  p99Us: number;
  errors: number;
  non2xx: number;
}

const runner = fileURLToPath(new URL('./latency-runner.js', import.meta.url));

/**
 * Latency in µs at a fixed number of keep-alive connections, from a load generator in its own
 * process: closed loop (each connection as fast as answers come), or `rate` requests a second in all.
 */
export function latencyLoad(url: string, connections: number, seconds: number, headers: Record<string, string> = {}, rate = 0): Promise<LatencyResult> {
  return new Promise((resolve, reject) => {
    const args = [runner, url, String(connections), String(seconds), JSON.stringify(headers), String(rate)];
    const child = execFile(process.execPath, args, { maxBuffer: 16 * 1024 * 1024, timeout: (seconds + 30) * 1_000 }, (error, stdout, stderr) => {
      runningLoadGenerators.delete(child);
      if (error) return reject(new Error(`latency runner failed: ${error.message}\n${stderr}`, { cause: error }));
      resolve(JSON.parse(stdout) as LatencyResult);
    });
    runningLoadGenerators.add(child);
  });
}
