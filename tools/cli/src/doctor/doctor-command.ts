import type { CliIo } from '../main.js';
import { PHP_REQUIRED } from './checks/versions.js';
import { DEFAULT_CHECK_TIMEOUT_MS, DoctorUsageError, runDoctor } from './doctor.js';
import { exitCode, formatReport } from './format.js';
import { withLocalStackDefaults } from './local-stack.js';

export const DOCTOR_USAGE = `usage: offramp doctor [--timeout MS] [--json]

Checks a setup end to end with the gateway's configuration (its environment: NATS_URL,
DATABASE_URL, LEGACY_URL, APP_KEY, SESSION_*, GATEWAY_SERVICES, IDENTITY_TOKEN_*, …) and prints
one line per check: ok, warn or fail, its name, and for warn and fail what is wrong and the fix.
Run from the repo root after npm start, unset keys come from the local stack's
$OFFRAMP_DATA_DIR/stack-secrets.json (data/ by default), as npm start gave them to the gateway.

  config          the gateway's variables parse (its own parser)
  node, php       Node against package.json engines; PHP ${PHP_REQUIRED.major}.${PHP_REQUIRED.minor}.x for the monolith (the preflight's)
  nats            NATS answers with JetStream (the gateway's credentials)
  stream …        the gateway's buckets and shadow stream, the events and dead-letter streams,
                  with the replicas GATEWAY_NATS_REPLICAS (and EVENTS_STREAM_REPLICAS, when set) ask for
  clock           this machine's clock against the NATS server's
  database        DATABASE_URL answers
  app-key         APP_KEY decrypts the session cookie the monolith sets on GET / (LEGACY_FRAMEWORK=symfony:
                  not used, the cookie holds the session id)
  session-store   that new session is in the store SESSION_DRIVER names (symfony: the page is /login and
                  the store is read in Symfony's layout, the SYMFONY_SESSION_* variables)
  slice/migrations/identity <name>
                  per GATEWAY_SERVICES entry: /health/ready, its migrations, and whether it accepts
                  a token signed with the gateway's identity key (its /health/identity; no key is sent)

options: --timeout MS (each check's bound, default ${DEFAULT_CHECK_TIMEOUT_MS}), --json
env:     OFFRAMP_DOCTOR_CLOCK_OFFSET_MS pretends this machine's clock is off by that much (to try the clock check)
         OFFRAMP_DOCTOR_SESSION_PATH the monolith's page that starts a session (default / for Laravel, /login for Symfony)
exit:    0 when no check fails (warnings included), 1 when one does, 2 on a usage error
`;

/** `offramp doctor`: prints the report; 0 when nothing failed, 1 otherwise, 2 on bad options. */
export async function doctorCommand(options: { json: boolean; timeout?: string; extra: string[] }, io: CliIo): Promise<number> {
  if (options.extra.length > 0) {
    io.err(`offramp: "doctor" takes no arguments (got "${options.extra.join(' ')}")\n\n${DOCTOR_USAGE}`);
    return 2;
  }
  const timeoutMs = options.timeout === undefined ? DEFAULT_CHECK_TIMEOUT_MS : Number(options.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 60_000) {
    io.err(`offramp: --timeout expects milliseconds from 100 to 60000 (got "${options.timeout}")\n`);
    return 2;
  }
  const stack = withLocalStackDefaults(io.env);
  let results;
  try {
    results = await runDoctor({ env: stack.env, timeoutMs });
  } catch (error) {
    if (!(error instanceof DoctorUsageError)) throw error;
    io.err(`offramp: ${error.message}\n`);
    return 2;
  }
  const config = results.find((result) => result.name === 'config');
  if (config && stack.filled.length > 0) config.detail += `; ${stack.filled.join(', ')} from the local stack (${stack.file})`;
  io.out(options.json ? `${JSON.stringify({ results, exitCode: exitCode(results) }, null, 2)}\n` : formatReport(results));
  return exitCode(results);
}
