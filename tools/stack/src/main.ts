import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { answersInfo, httpStatus, waitUntil, workspaceRoot } from '@offramp/processes';
import { portInUse } from './port-in-use.js';
import { FAKE_CARRIER, LEGACY, LEGACY_APPS, LOCAL_MAIL, NODE_SERVICES, type ServiceSpec } from './services.js';
import { loadOrCreateSecrets, secretsFor } from './stack-secrets.js';
import { supervise, type SupervisedProcess } from './supervised-process.js';

const STOP_GRACE_MS = 15_000;
const root = workspaceRoot();
const dataDir = process.env.OFFRAMP_DATA_DIR || join(root, 'data');
const logDir = join(dataDir, 'logs');
const say = (line: string) => process.stdout.write(`[offramp] ${line}\n`);

const started: SupervisedProcess[] = [];
let stopping = false;

// A part of the stack (OFFRAMP_STACK_ONLY=gateway,billing) on shifted ports (OFFRAMP_STACK_PORT_OFFSET=20000) runs beside
// another stack on the same machine, as the slice generator's test runs the slice it made; NATS comes from NATS_URL then.
const only = (process.env.OFFRAMP_STACK_ONLY ?? '')
  .split(',')
  .map((name) => name.trim())
  .filter(Boolean);
const offset = Number(process.env.OFFRAMP_STACK_PORT_OFFSET || 0);
if (!Number.isInteger(offset) || offset < 0 || offset > 50_000) {
  fail(`OFFRAMP_STACK_PORT_OFFSET must be a whole number from 0 to 50000 (got "${process.env.OFFRAMP_STACK_PORT_OFFSET}")`, 'unset it or give e.g. 20000');
}
const shifted = (spec: ServiceSpec): ServiceSpec =>
  offset === 0 ? spec : { ...spec, port: spec.port + offset, ...(spec.adminPort ? { adminPort: spec.adminPort + offset } : {}) };

async function main(): Promise<void> {
  mkdirSync(logDir, { recursive: true });
  const secrets = loadOrCreateSecrets(dataDir);
  const legacyApp = process.env.LEGACY_APP || 'laravel';
  if (!(LEGACY_APPS as readonly string[]).includes(legacyApp))
    fail(`LEGACY_APP must be one of ${LEGACY_APPS.join(', ')} (got "${legacyApp}")`, 'unset it for Laravel');
  // The Symfony app's tables share names with Laravel's but not their migration history: a database file of its own.
  const databaseUrl = process.env.DATABASE_URL || `sqlite://${join(dataDir, legacyApp === 'symfony' ? 'offramp-symfony.sqlite' : 'offramp.sqlite')}`;
  const all = [FAKE_CARRIER, LOCAL_MAIL, ...(existsSync(join(root, LEGACY.command('')[1][0])) ? [LEGACY] : []), ...NODE_SERVICES].map(shifted);
  const wanted = only.length ? all.filter((spec) => only.includes(spec.name)) : all;
  const unknown = only.filter((name) => !all.some((spec) => spec.name === name));
  if (unknown.length) fail(`OFFRAMP_STACK_ONLY names no service ${unknown.join(', ')}`, `use some of ${all.map((spec) => spec.name).join(', ')}`);

  for (const spec of wanted) {
    for (const port of [spec.port, ...(spec.adminPort ? [spec.adminPort] : [])]) {
      if (await portInUse(port)) {
        fail(`port ${port} (${spec.name}) is already in use`, `stop what listens there (ss -ltnp 'sport = :${port}') and run npm start again`);
      }
    }
  }

  const natsUrl = await ensureNats();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    NATS_URL: natsUrl,
    LOG_PRETTY: 'false',
    // No Laravel queue (table jobs) to drain beside the Symfony app; its SendWelcomeEmail goes through the
    // Messenger bridge instead (the app sends it to its offramp transport, pipelines runs it).
    ...(legacyApp === 'symfony'
      ? {
          QUEUE_BRIDGE_ENABLED: process.env.QUEUE_BRIDGE_ENABLED || 'false',
          MESSENGER_BRIDGE_ENABLED: process.env.MESSENGER_BRIDGE_ENABLED || 'true',
          OFFRAMP_TAKEN_OVER_MESSAGES: process.env.OFFRAMP_TAKEN_OVER_MESSAGES ?? 'App\\Message\\SendWelcomeEmail',
        }
      : {}),
    // The gateway reads the Symfony app's login from its session files (bin/serve's defaults; docs/symfony-identity.md).
    ...(legacyApp === 'symfony'
      ? {
          LEGACY_FRAMEWORK: 'symfony',
          SYMFONY_SESSION_FILES: process.env.SYMFONY_SESSION_FILES || 'apps/legacy-symfony/var/sessions',
          SYMFONY_SESSION_LIFETIME_S: process.env.SYMFONY_SESSION_LIFETIME_S || '7200',
          SYMFONY_USER_CLASSES: process.env.SYMFONY_USER_CLASSES || 'App\\Security\\User',
        }
      : {}),
    LEGACY_URL: process.env.LEGACY_URL || `http://127.0.0.1:${shifted(LEGACY).port}`,
    GATEWAY_SERVICES:
      process.env.GATEWAY_SERVICES ||
      NODE_SERVICES.map(shifted)
        .filter((spec) => !spec.entryPoint)
        .map((spec) => `${spec.name}=http://127.0.0.1:${spec.port}`)
        .join(','),
  };

  const launch = async (spec: ServiceSpec) => {
    const [command, args] = spec.command(process.execPath);
    const ports = { PORT: String(spec.port), ...(spec.adminPort ? { GATEWAY_ADMIN_PORT: String(spec.adminPort) } : {}) };
    // Each service its own keys only (secretsFor), as in production.
    const service = supervise(spec.name, command, args, { ...env, ...secretsFor(spec.name, secrets), ...ports }, root, join(logDir, `${spec.name}.log`));
    started.push(service);
    reportDeath(service);
    say(`starting ${spec.name} on :${spec.port} (log: ${relative(service.logFile)})`);
    await waitReady(spec, service);
  };
  // The fake carrier, the mail server and the monolith first (its first start migrates and seeds the shared
  // database), then the Node services side by side.
  const first = wanted.filter((spec) => spec === FAKE_CARRIER || spec === LOCAL_MAIL || spec === LEGACY);
  for (const spec of first) await launch(spec);
  await Promise.all(wanted.filter((spec) => !first.includes(spec)).map(launch));
  printTable(natsUrl, databaseUrl, wanted);
}

async function ensureNats(): Promise<string> {
  if (process.env.NATS_URL) {
    say(`using NATS at ${process.env.NATS_URL} (NATS_URL)`);
    return process.env.NATS_URL;
  }
  if (await answersInfo(4222)) {
    say('using the NATS server already answering at nats://127.0.0.1:4222');
    return 'nats://127.0.0.1:4222';
  }
  const store = join(dataDir, 'nats');
  const nats = supervise('nats', 'nats-server', ['-a', '127.0.0.1', '-p', '4222', '-js', '-sd', store], process.env, root, join(logDir, 'nats.log'));
  started.push(nats);
  reportDeath(nats);
  say(`starting nats-server with JetStream on :4222 (store: ${relative(store)})`);
  await waitUntil(
    async () => {
      if (!nats.running()) throw new Error('nats-server exited');
      return answersInfo(4222);
    },
    { timeoutMs: 15_000, description: 'nats-server' },
  ).catch((error: Error) => abort(`nats-server did not start: ${error.message}`, nats));
  return 'nats://127.0.0.1:4222';
}

async function waitReady(spec: ServiceSpec, service: SupervisedProcess): Promise<void> {
  const startedAt = Date.now();
  let lastNote = startedAt;
  await waitUntil(
    async () => {
      if (!service.running()) throw new Error(`${spec.name} exited`);
      if (Date.now() - lastNote > 10_000) {
        lastNote = Date.now();
        say(`  still waiting for ${spec.name} (${Math.round((lastNote - startedAt) / 1000)} s)…`);
      }
      return (await httpStatus(`http://127.0.0.1:${spec.adminPort ?? spec.port}${spec.readyPath}`, 5_000)) === 200;
    },
    { timeoutMs: spec.readyTimeoutMs, intervalMs: 200, description: `${spec.name} ${spec.readyPath}` },
  ).catch((error: Error) => abort(`${spec.name} did not become ready: ${error.message}`, service));
  say(`  ${spec.name} ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
}

function reportDeath(service: SupervisedProcess): void {
  void service.exited.then((code) => {
    if (stopping) return;
    process.stdout.write(
      `\n[offramp] ${service.name} (pid ${service.pid}) exited with code ${code}; last lines of ${relative(service.logFile)}:\n${indent(service.tail(20))}\n\n`,
    );
  });
}

function printTable(natsUrl: string, databaseUrl: string, specs: ServiceSpec[]): void {
  const rows = [
    ['service', 'url', 'pid', 'log'],
    ...specs.map((spec) => {
      const service = started.find((s) => s.name === spec.name);
      return [
        spec.name + (spec.entryPoint ? ' ◀ open this' : ''),
        `http://127.0.0.1:${spec.port}`,
        String(service?.pid ?? ''),
        relative(service?.logFile ?? ''),
      ];
    }),
    ...specs.filter((spec) => spec.adminPort).map((spec) => [`${spec.name} admin (API, /metrics)`, `http://127.0.0.1:${spec.adminPort}`, '', '']),
    // The migration dashboard, served by the gateway's admin listener (sign in with GATEWAY_ADMIN_TOKEN from data/stack-secrets.json).
    ...specs
      .filter((spec) => spec.name === 'gateway' && spec.adminPort)
      .map((spec) => ['migration dashboard', `http://127.0.0.1:${spec.adminPort}/_offramp/dashboard/`, '', '']),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ');
  process.stdout.write(`\n${line(rows[0])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.slice(1).map(line).join('\n')}\n`);
  process.stdout.write(`\nNATS: ${natsUrl}   database: ${databaseUrl}\nAll ${specs.length} services ready. Ctrl-C stops everything.\n`);
}

let stopped: Promise<void> | undefined;

function stopAll(reason: string): Promise<void> {
  stopped ??= stopInOrder(reason);
  return stopped;
}

async function stopInOrder(reason: string): Promise<void> {
  stopping = true;
  say(`${reason}: stopping ${started.length} process(es)…`);
  // Reverse start order: the gateway stops taking traffic first, NATS goes last.
  for (const service of [...started].reverse()) {
    await service.stop(STOP_GRACE_MS);
    say(`  stopped ${service.name}`);
  }
}

async function abort(problem: string, culprit: SupervisedProcess): Promise<never> {
  process.stdout.write(`\n[offramp] ${problem}\n[offramp] last lines of ${relative(culprit.logFile)}:\n${indent(culprit.tail(30))}\n\n`);
  await stopAll('start-up failed');
  process.exit(1);
}

function fail(problem: string, fix: string): never {
  process.stderr.write(`[offramp] ${problem}\n[offramp] fix: ${fix}\n`);
  process.exit(1);
}

const relative = (path: string) => path.replace(`${root}/`, '');
const indent = (text: string) =>
  text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');

// `on`, not `once`: Ctrl-C reaches this process both from the terminal and forwarded by the
// preflight; a second signal must not kill the runner half-way through stopping the services.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => void stopAll(signal).then(() => process.exit(0)));
}

await main().catch(async (error: Error) => {
  process.stderr.write(`[offramp] ${error.stack ?? error.message}\n`);
  await stopAll('error');
  process.exit(1);
});
