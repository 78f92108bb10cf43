// The load generator's own process for loadRequestList(): autocannon's API (its CLI takes one
// URL) with the request list read from the JSON file named on the command line; prints
// autocannon's result as JSON on stdout.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

interface RunnerInput {
  baseUrl: string;
  paths: string[];
  connections: number;
  seconds: number;
  headers: Record<string, string>;
}

type Autocannon = (options: Record<string, unknown>) => Promise<unknown>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const input = JSON.parse(readFileSync(process.argv[2], 'utf8')) as RunnerInput;
if (input.paths.length === 0) throw new Error('load-runner: the request list is empty');
let next = 0;
const result = await autocannon({
  url: input.baseUrl,
  connections: input.connections,
  duration: input.seconds,
  headers: input.headers,
  // One shared cursor: consecutive requests, whatever their connection, walk the list in order.
  requests: [{ method: 'GET', setupRequest: (request: Record<string, unknown>) => ({ ...request, path: input.paths[next++ % input.paths.length] }) }],
});
process.stdout.write(JSON.stringify(result));
