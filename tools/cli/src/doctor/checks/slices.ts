import { sliceMigrationsTable } from '@offramp/persistence';
import {
  ConfigError,
  IDENTITY_HEADER,
  IDENTITY_PROBE_PATH,
  identityKeysFromConfig,
  identityProbeToken,
  IdentityTokenSigner,
  migrateJobName,
  type GatewayConfig,
  type IdentityProbeAnswer,
  type ServiceConfig,
} from '@offramp/platform';
import { fail, ok, reason, skipped, warn, within, type CheckResult } from '../check-result.js';

type Config = ServiceConfig & GatewayConfig;

interface HealthReport {
  status?: string;
  details?: Record<string, { status?: string; message?: string; state?: string }>;
}

/** Per GATEWAY_SERVICES entry: ready, its migrations run, and its identity key the gateway's. */
export async function checkSlices(config: Config, timeoutMs: number): Promise<CheckResult[]> {
  const services = Object.entries(config.GATEWAY_SERVICES);
  if (services.length === 0) {
    return [warn('slices', 'GATEWAY_SERVICES is empty: every route goes to the monolith', 'list the slices as name=http://host:port, comma-separated')];
  }
  let signer: IdentityTokenSigner | undefined;
  let signerProblem = '';
  try {
    signer = new IdentityTokenSigner(identityKeysFromConfig(config, 'sign'));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    signerProblem = error.message;
  }
  const perSlice = await Promise.all(services.map(([name, url]) => checkSlice(name, url, config, signer, signerProblem, timeoutMs)));
  return perSlice.flat();
}

async function checkSlice(
  name: string,
  url: string,
  config: Config,
  signer: IdentityTokenSigner | undefined,
  signerProblem: string,
  timeoutMs: number,
): Promise<CheckResult[]> {
  const [ready, identity] = await Promise.all([readiness(name, url, timeoutMs), checkIdentity(name, url, config, signer, signerProblem, timeoutMs)]);
  return [...ready, identity];
}

async function readiness(name: string, url: string, timeoutMs: number): Promise<CheckResult[]> {
  let status: number;
  let report: HealthReport;
  try {
    const response = await within(timeoutMs, () => fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(timeoutMs) }));
    status = response.status;
    report = (await response.json().catch(() => ({}))) as HealthReport;
  } catch (error) {
    return [
      fail(`slice ${name}`, `does not answer at ${url}/health/ready (${reason(error)})`, `start ${name}, or correct its URL in GATEWAY_SERVICES`),
      skipped(`migrations ${name}`, `${name} does not answer`),
    ];
  }
  const details = report.details ?? {};
  const down = Object.entries(details).filter(([, indicator]) => indicator.status !== 'up');
  const readyResult =
    status === 200
      ? ok(`slice ${name}`, `ready at ${url}`)
      : fail(
          `slice ${name}`,
          `not ready (${status}): ${down.map(([indicator, value]) => `${indicator}${value.message ? `: ${value.message}` : value.state ? ` (${value.state})` : ''}`).join('; ') || 'no details'}`,
          `see ${name}'s log; its /health/ready names what it waits for`,
        );
  const migrations = details['migrations'];
  const table = sliceMigrationsTable(name);
  const migrationsResult = !migrations
    ? warn(`migrations ${name}`, `${name} reports no migrations state on /health/ready`, `build ${name} on the shared bootstrap (libs/platform)`)
    : migrations.status === 'up'
      ? ok(`migrations ${name}`, `every migration of ${name} has run (${table})`)
      : fail(
          `migrations ${name}`,
          migrations.message ?? `${name}'s migrations have not run (${table})`,
          `run them: node apps/${name}/dist/migrate.js with the slice's DATABASE_URL (Kubernetes: the ${migrateJobName(name)} Job), or start ${name} with DATABASE_MIGRATIONS=run`,
        );
  return [readyResult, migrationsResult];
}

/**
 * A token signed with the gateway's key for this slice's audience (as the gateway signs one for
 * each request it forwards), sent to the slice's identity probe: it says whether it verifies.
 * Neither key is read from or sent to the slice.
 */
async function checkIdentity(
  name: string,
  url: string,
  config: Config,
  signer: IdentityTokenSigner | undefined,
  signerProblem: string,
  timeoutMs: number,
): Promise<CheckResult> {
  const check = `identity ${name}`;
  if (!signer)
    return skipped(
      check,
      `the gateway has no signing key (${signerProblem})`,
      'give the gateway its identity key (IDENTITY_TOKEN_PRIVATE_KEY, or IDENTITY_TOKEN_SECRET for HS256)',
    );
  let status: number;
  let answer: Partial<IdentityProbeAnswer>;
  try {
    const token = await identityProbeToken(signer, name);
    const response = await within(timeoutMs, () =>
      fetch(`${url}${IDENTITY_PROBE_PATH}`, { headers: { [IDENTITY_HEADER]: token }, signal: AbortSignal.timeout(timeoutMs) }),
    );
    status = response.status;
    answer = (await response.json().catch(() => ({}))) as Partial<IdentityProbeAnswer>;
  } catch (error) {
    return skipped(check, `${name} does not answer (${reason(error)})`, `start ${name}, or correct its URL in GATEWAY_SERVICES`);
  }
  const alg = config.IDENTITY_TOKEN_ALG;
  if (status === 200 && answer.outcome === 'verified') return ok(check, `${name} accepts a token signed with the gateway's ${alg} key for audience ${name}`);
  if (answer.outcome === 'unconfigured') {
    return warn(
      check,
      `${name} has no identity key: callers of its routes reach it without an identity`,
      `give ${name} the gateway's ${alg === 'EdDSA' ? 'public key (IDENTITY_TOKEN_PUBLIC_KEY)' : 'IDENTITY_TOKEN_SECRET'} and IDENTITY_TOKEN_ALG=${alg}`,
    );
  }
  if (answer.outcome !== 'rejected' && answer.outcome !== 'missing') {
    return warn(check, `${name} has no identity probe (${IDENTITY_PROBE_PATH} answered ${status})`, `rebuild ${name} on the current libs/platform`);
  }
  if (answer.audience !== undefined && answer.audience !== name) {
    return fail(
      check,
      `${name} accepts audience "${answer.audience}", the gateway signs its tokens for "${name}" (its GATEWAY_SERVICES name)`,
      `set IDENTITY_TOKEN_AUDIENCE=${name} for ${name}, or rename it in GATEWAY_SERVICES`,
    );
  }
  if (answer.alg !== undefined && answer.alg !== alg) {
    return fail(check, `${name} verifies ${answer.alg} tokens, the gateway signs ${alg}`, `set IDENTITY_TOKEN_ALG=${alg} for ${name} (with the matching key)`);
  }
  return fail(
    check,
    `${name} rejects a token signed with the gateway's ${alg} key for audience ${name}`,
    alg === 'EdDSA'
      ? `give ${name} the public half of the gateway's IDENTITY_TOKEN_PRIVATE_KEY as IDENTITY_TOKEN_PUBLIC_KEY`
      : `give ${name} the gateway's IDENTITY_TOKEN_SECRET`,
  );
}
