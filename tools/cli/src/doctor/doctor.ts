import { parseDatabaseUrl } from '@offramp/persistence';
import { workspaceRoot } from '@offramp/processes';
import { ConfigError, gatewayConfigShape, gatewayProductionDefaults, serviceConfigFromEnv, type GatewayConfig, type ServiceConfig } from '@offramp/platform';
import { fail, ok, skipped, type CheckResult } from './check-result.js';
import { checkDatabase, type OpenDatabase } from './checks/database.js';
import { checkLegacySession } from './checks/legacy-session.js';
import { checkNats } from './checks/nats.js';
import { checkSlices } from './checks/slices.js';
import { checkSymfonySession } from './checks/symfony-session.js';
import { checkNode, checkPhp } from './checks/versions.js';

/** A doctor setting (not the gateway's) that cannot be used: the command prints it and exits 2. */
export class DoctorUsageError extends Error {
  readonly code = 'DOCTOR_USAGE';
}

/** Each check's bound unless --timeout says otherwise. */
export const DEFAULT_CHECK_TIMEOUT_MS = 2_000;

export interface DoctorOptions {
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Where package.json (its engines) is: the workspace root by default. */
  root?: string;
}

/**
 * Every check of a setup, read with the gateway's own configuration parser from the gateway's
 * environment. Independent groups run side by side (the whole run stays within a few bounds);
 * the results come in a fixed order. A check whose premise failed says it was skipped, and why.
 */
export async function runDoctor(options: DoctorOptions): Promise<CheckResult[]> {
  const { env } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const root = options.root ?? workspaceRoot();
  const node = checkNode(root);
  const versions = Promise.all([node, checkPhp(env, timeoutMs)]);

  let config: ServiceConfig & GatewayConfig;
  try {
    config = serviceConfigFromEnv({ name: 'gateway', defaultPort: 8080, config: gatewayConfigShape, productionDefaults: gatewayProductionDefaults }, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const because = 'the configuration does not parse';
    return [
      fail('config', error.message, `set ${error.variable} as the gateway reads it (its variables: README "Configuration", apps/gateway's config)`),
      ...(await versions),
      ...['nats', 'database', 'app-key', 'session-store', 'slices'].map((name) => skipped(name, because, `fix ${error.variable} first`)),
    ];
  }
  const sessionPath = env['OFFRAMP_DOCTOR_SESSION_PATH'];
  if (sessionPath !== undefined && sessionPath !== '' && !sessionPath.startsWith('/')) {
    throw new DoctorUsageError(`OFFRAMP_DOCTOR_SESSION_PATH must be a path starting with / (got "${sessionPath}")`);
  }
  const configResult = ok(
    'config',
    `the gateway's variables parse (OFFRAMP_ENV=${config.OFFRAMP_ENV}, ${Object.keys(config.GATEWAY_SERVICES).length} slice(s) in GATEWAY_SERVICES)`,
  );
  const clockOffsetMs = Number(env['OFFRAMP_DOCTOR_CLOCK_OFFSET_MS'] ?? 0) || 0;

  const nats = checkNats(config, env, timeoutMs, clockOffsetMs);
  const slices = checkSlices(config, timeoutMs);
  // better-sqlite3 is built for the project's Node: loaded by another, it takes the process down.
  const database: OpenDatabase =
    node.status === 'fail' && parseDatabaseUrl(config.DATABASE_URL).kind === 'sqlite'
      ? {
          result: skipped(
            'database',
            `Node ${process.versions.node} cannot load better-sqlite3, built for the project's Node`,
            "run offramp doctor under the project's Node (see node above)",
          ),
        }
      : await checkDatabase(config.DATABASE_URL, timeoutMs);
  try {
    const sessionPage = env['OFFRAMP_DOCTOR_SESSION_PATH'] || undefined;
    const legacy =
      config.LEGACY_FRAMEWORK === 'symfony'
        ? checkSymfonySession(config, timeoutMs, database.dataSource, !database.dataSource, sessionPage)
        : checkLegacySession(config, timeoutMs, database.dataSource, !database.dataSource, sessionPage);
    return [configResult, ...(await versions), ...(await nats), database.result, ...(await legacy), ...(await slices)];
  } finally {
    await database.dataSource?.destroy().catch(() => undefined);
  }
}
