import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  importRoutes,
  listRoutes,
  promoteRoute,
  rollbackRoutes,
  routeHistory,
  setRoute,
  shadowDiffs,
  type ListedRouteDto,
  type PromoteRouteData,
  type RouteSpecDto,
} from '@offramp/contracts/admin-api';
import { importRouteList, RouteListFormatError } from '@offramp/legacy-bridge';
import { AdminApi, AdminApiError } from './admin-client.js';
import { doctorCommand, DOCTOR_USAGE } from './doctor/doctor-command.js';
import { formatDiffs, formatRoutes } from './format.js';
import { partnersCommand, PartnerUsageError, PARTNERS_USAGE } from './partners.js';

const USAGE = `usage: offramp routes <command> [options]   (and: offramp partners --help, offramp doctor --help)

  list                                  the route table with states, shadow match rates, evidence
                                        (per status class, logged-in callers) and promotion verdicts
  import <file|-> [--format laravel|symfony|auto]
                                        add every route of \`php artisan offramp:routes\` (or route:list
                                        --json) or \`bin/console debug:router --format=json\` as legacy
  set <METHOD> <path> [--state S] [--service NAME] [--canary N] [--fallback true|false] [--timeout MS]
  promote <METHOD> <path> [--to STATE] [--canary N] [--force]
  rollback (<METHOD> <path> | --all)
  diffs [<METHOD> <path>] [--limit N]   latest shadow mismatches (redacted samples)
  history [<METHOD> <path>]             who changed what, when and why

A route is named as you would write it: GET /api/products finds GET|HEAD /api/products,
/api/products/{id} and /api/products/:id are the same (the gateway resolves it).

options: --reason "why" (required for changes), --by NAME (default user@host), --json
env:     OFFRAMP_ADMIN_URL (the gateway's admin listener, default http://127.0.0.1:8081), OFFRAMP_ADMIN_TOKEN (default: the local
         stack's, from $OFFRAMP_DATA_DIR/stack-secrets.json, data/ by default, when run from the repo root)
`;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  readStdin(): string;
}

const defaultIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  readStdin: () => readFileSync(0, 'utf8'),
};

/** The admin token `npm start` made for the local stack (in its OFFRAMP_DATA_DIR, data/ by default), when the CLI runs from the repo root. */
function localStackAdminToken(env: NodeJS.ProcessEnv): string | undefined {
  try {
    const file = join(env['OFFRAMP_DATA_DIR'] || 'data', 'stack-secrets.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { GATEWAY_ADMIN_TOKEN?: string }).GATEWAY_ADMIN_TOKEN;
  } catch {
    return undefined;
  }
}

/** Runs one command; returns the exit code (0 ok, 1 refused or failed, 2 usage). */
export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        reason: { type: 'string' },
        by: { type: 'string' },
        json: { type: 'boolean', default: false },
        all: { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        format: { type: 'string', default: 'auto' },
        state: { type: 'string' },
        service: { type: 'string' },
        canary: { type: 'string' },
        fallback: { type: 'string' },
        timeout: { type: 'string' },
        to: { type: 'string' },
        limit: { type: 'string' },
        events: { type: 'string' },
        secret: { type: 'string' },
        ordered: { type: 'boolean', default: false },
        disabled: { type: 'boolean', default: false },
        status: { type: 'string' },
        since: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    io.err(`offramp: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [group, command, ...rest] = positionals;
  if (group === 'doctor') {
    if (values.help) {
      io.out(DOCTOR_USAGE);
      return 0;
    }
    return doctorCommand({ json: values.json, timeout: values.timeout, extra: positionals.slice(1) }, io);
  }
  if (group === 'partners') {
    if (values.help || !command) {
      (values.help ? io.out : io.err)(PARTNERS_USAGE);
      return values.help ? 0 : 2;
    }
    try {
      return await partnersCommand(command, rest, { ...values, by: values.by ?? defaultActor() }, io.env, io.out);
    } catch (error) {
      if (error instanceof PartnerUsageError) {
        io.err(`offramp: ${error.message}\n\n${PARTNERS_USAGE}`);
        return 2;
      }
      if (error instanceof AdminApiError) {
        io.err(`offramp: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
  }
  if (values.help || group !== 'routes' || !command) {
    (values.help ? io.out : io.err)(USAGE);
    return values.help ? 0 : 2;
  }
  if (io.env['OFFRAMP_GATEWAY_URL'] !== undefined) {
    io.err(
      "OFFRAMP_GATEWAY_URL is no longer read: the admin API is on the gateway's admin listener; set OFFRAMP_ADMIN_URL (e.g. http://127.0.0.1:8081, the gateway's GATEWAY_ADMIN_PORT) instead\n",
    );
    return 2;
  }
  const api = new AdminApi({
    adminUrl: io.env['OFFRAMP_ADMIN_URL'] ?? 'http://127.0.0.1:8081',
    token: io.env['OFFRAMP_ADMIN_TOKEN'] ?? (io.env['OFFRAMP_ADMIN_URL'] ? undefined : localStackAdminToken(io.env)),
  });
  const actor = { by: values.by ?? defaultActor() };
  const route = () => {
    const [method, path] = rest;
    if (!method || !path) throw new UsageError(`"routes ${command}" needs a method and a path, e.g. GET /api/products/{id}`);
    return { method, path };
  };
  const requireReason = (): string => {
    if (!values.reason) throw new UsageError(`"routes ${command}" changes the table: say why with --reason "…" (it goes into the audit log)`);
    return values.reason;
  };
  const print = (value: unknown, text: () => string) => io.out(values.json ? `${JSON.stringify(value, null, 2)}\n` : text());
  try {
    switch (command) {
      case 'list': {
        const table = await api.call((client) => listRoutes({ client }));
        print(table, () => formatRoutes(table.routes));
        return 0;
      }
      case 'import': {
        const reason = requireReason();
        const source = rest[0];
        if (!source) throw new UsageError('"routes import" needs a file (or - for stdin) with a route list in JSON');
        const text = source === '-' ? io.readStdin() : readFileSync(source, 'utf8');
        const format = values.format as 'laravel' | 'symfony' | 'auto';
        if (!['laravel', 'symfony', 'auto'].includes(format)) throw new UsageError('--format is laravel, symfony or auto');
        importRouteList(text, format); // checked here first, for a message naming the file
        // As printed: the gateway reads requirements, optional parameters, hosts and defaults from it.
        const result = await api.call((client) => importRoutes({ client, body: { routeList: text, format, ...actor, reason } }));
        print(result, () => `imported ${result.added.length} route(s) as legacy; ${result.existing.length} already in the table\n`);
        if (!values.json) for (const warning of result.warnings) io.err(`warning: ${warning}\n`);
        return 0;
      }
      case 'set': {
        const reason = requireReason();
        // The route the gateway resolves from what was typed (GET finds GET|HEAD), else a new one as typed.
        const { routes } = await api.call((client) => listRoutes({ client, query: route() }));
        const patch: Record<string, unknown> = routes[0] ? specOf(routes[0]) : route();
        if (values.state) patch['state'] = values.state;
        if (values.service) patch['service'] = values.service;
        if (values.canary !== undefined) patch['canaryPercent'] = number('--canary', values.canary);
        if (values.timeout !== undefined) patch['timeoutMs'] = number('--timeout', values.timeout);
        if (values.fallback !== undefined) patch['fallback'] = values.fallback === 'true';
        const result = await api.call((client) => setRoute({ client, body: { route: patch, ...actor, reason } }));
        print(result, () => `${result.route.method} ${result.route.path}: ${result.route.state}\n`);
        return 0;
      }
      case 'promote': {
        const reason = requireReason();
        const body: PromoteRouteData['body'] = {
          ...route(),
          // Checked by the gateway, whose answer names the states.
          to: values.to as PromoteRouteData['body']['to'],
          canaryPercent: values.canary === undefined ? undefined : number('--canary', values.canary),
          force: values.force,
          ...actor,
          reason,
        };
        const result = await api.call((client) => promoteRoute({ client, body }));
        print(
          result,
          () => `${result.route.method} ${result.route.path}: now ${result.route.state}${result.matchRate ? ` (match rate ${rate(result.matchRate)})` : ''}\n`,
        );
        return 0;
      }
      case 'rollback': {
        const reason = requireReason();
        const body = { ...(values.all ? { all: true } : route()), ...actor, reason };
        const result = await api.call((client) => rollbackRoutes({ client, body }));
        print(result, () =>
          result.rolledBack.length
            ? `rolled back to legacy:\n${result.rolledBack.map((id) => `  ${id}\n`).join('')}`
            : 'nothing to roll back: every route is legacy\n',
        );
        return 0;
      }
      case 'diffs': {
        const query = { limit: number('--limit', values.limit ?? '10'), ...(rest.length ? route() : {}) };
        const result = await api.call((client) => shadowDiffs({ client, query }));
        print(result, () => formatDiffs(result));
        return 0;
      }
      case 'history': {
        const query = rest.length ? route() : {};
        const result = await api.call((client) => routeHistory({ client, query }));
        print(result, () =>
          result.history
            .map(
              (entry) =>
                `${entry.change.at}  ${entry.id}  ${entry.change.action}  by ${entry.change.by}: ${entry.change.reason}${entry.change.forced ? ' (forced)' : ''}\n`,
            )
            .join(''),
        );
        return 0;
      }
      default:
        throw new UsageError(`unknown command "routes ${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`offramp: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof AdminApiError || error instanceof RouteListFormatError) {
      io.err(`offramp: ${error.message}\n`);
      return 1;
    }
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      io.err(`offramp: no such file: ${(error as NodeJS.ErrnoException).path}\n`);
      return 1;
    }
    throw error;
  }
}

class UsageError extends Error {}

/** A listed route without what the listing adds: the route as `setRoute` takes it. */
function specOf({ id: _id, revision: _revision, lastChange: _lastChange, shadowMatch: _match, shadowGate: _gate, ...spec }: ListedRouteDto): RouteSpecDto {
  return spec;
}

function number(option: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new UsageError(`${option} expects a number (got "${value}")`);
  return parsed;
}

function rate(matchRate: { rate: number | null; samples: number }): string {
  return matchRate.rate === null ? 'n/a' : `${(matchRate.rate * 100).toFixed(2)}% of ${matchRate.samples}`;
}

function defaultActor(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return 'cli';
  }
}
